// Reads {style, items, format, locale | locales} as JSON on stdin; prints each item's bibliography entry,
// in the items' order, as a JSON list of strings.
// `locale` is one locale file, used as en-US whatever the style says (our three styles are cited in
// English); `locales` is a folder of locales-xx-XX.xml files, and the style's own default-locale is used.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const job = JSON.parse(fs.readFileSync(0, "utf8"));
const byId = new Map(job.items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: (lang) => {
    if (job.locale) return fs.readFileSync(job.locale, "utf8");
    const file = path.join(job.locales, `locales-${lang}.xml`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
  },
  retrieveItem: (id) => byId.get(id),
};
const style = fs.readFileSync(job.style, "utf8");
const engine = job.locale ? new CSL.Engine(sys, style, "en-US", true) : new CSL.Engine(sys, style);
engine.setOutputFormat(job.format || "text");
// One item at a time: in a shared bibliography the styles would disambiguate ("2001a") and
// substitute repeated authors, which a single citation on an article page never shows.
const out = job.items.map((item) => {
  engine.updateItems([item.id]);
  const [, entries] = engine.makeBibliography();
  return entries.join("").trim();
});
process.stdout.write(JSON.stringify(out));

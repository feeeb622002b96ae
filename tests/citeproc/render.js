// Reads {style, locale, items, format} as JSON on stdin; prints each item's bibliography entry, in the
// items' order, as a JSON list of strings.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

const job = JSON.parse(fs.readFileSync(0, "utf8"));
const byId = new Map(job.items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: () => fs.readFileSync(job.locale, "utf8"),
  retrieveItem: (id) => byId.get(id),
};
const engine = new CSL.Engine(sys, fs.readFileSync(job.style, "utf8"), "en-US", true);
engine.setOutputFormat(job.format || "text");
// One item at a time: in a shared bibliography the styles would disambiguate ("2001a") and
// substitute repeated authors, which a single citation on an article page never shows.
const out = job.items.map((item) => {
  engine.updateItems([item.id]);
  const [, entries] = engine.makeBibliography();
  return entries.join("").trim();
});
process.stdout.write(JSON.stringify(out));

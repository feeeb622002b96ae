// citeproc-js as a long-lived renderer for archive/csl_styles.py: one JSON request a line on stdin,
// one JSON answer a line on stdout, in order.
//
//   node render_server.js LOCALES_DIR
//   request: {"style": "/path/to/ieee.csl", "lang": "de-DE" | null, "items": [CSL-JSON, ...], "format": "text" | "html"}
//   answer:  {"entries": ["...", ...]}  (one bibliography entry per item, in order)
//            {"error": "..."}          (citeproc-js refused the style or an item)
//
// The first line written is {"ready": true, ...}. `lang` forces a locale (a dependent style's own
// default-locale over its parent's); without it the style's default-locale is used, as
// tests/citeproc/render.js does. Locale files are read from LOCALES_DIR (locales-xx-XX.xml).
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const CSL = require("citeproc");

// citeproc-js prints its warnings with console.log: they must not mix with the answers on stdout.
const answer = (data) => process.stdout.write(JSON.stringify(data) + "\n");
console.log = console.info = console.warn = (...args) => process.stderr.write(args.join(" ") + "\n");

const localesDir = process.argv[2];
const localeFiles = new Map();
const retrieveLocale = (lang) => {
  if (!localeFiles.has(lang)) {
    const file = path.join(localesDir, `locales-${lang}.xml`);
    localeFiles.set(lang, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false);
  }
  return localeFiles.get(lang);
};

// Building an engine parses the style and its locale (tens of milliseconds, seconds for the long
// Chicago variants): keep the recent ones while the heap stays under HEAP_BUDGET (most engines
// take 1 to 3 MB, chicago-author-date about 150 MB). Only a full collection (node --expose-gc)
// tells what the kept engines really hold; it runs only after an engine was built.
const ENGINES_KEPT = 32;
const HEAP_BUDGET = 200e6;
const engines = new Map(); // in the order of last use
let items = new Map();
const sys = { retrieveLocale, retrieveItem: (id) => items.get(id) };

function engine(style, lang) {
  const key = `${style}\u0000${lang || ""}`;
  let found = engines.get(key);
  if (found) {
    engines.delete(key); // re-inserted below, as the last used
  } else {
    const xml = fs.readFileSync(style, "utf8");
    found = lang ? new CSL.Engine(sys, xml, lang, true) : new CSL.Engine(sys, xml);
    if (engines.size >= ENGINES_KEPT) engines.delete(engines.keys().next().value);
    if (global.gc) {
      global.gc();
      while (engines.size && process.memoryUsage().heapUsed > HEAP_BUDGET) {
        engines.delete(engines.keys().next().value);
        global.gc();
      }
    }
  }
  engines.set(key, found);
  return found;
}

// An engine keeps what it worked out for an item id (its date, its sort keys) even when the item
// comes again changed: each item gets an id of its own, never used twice.
let served = 0;

function render(request) {
  const citeproc = engine(request.style, request.lang);
  citeproc.setOutputFormat(request.format || "text");
  const ids = request.items.map(() => `item-${++served}`);
  items = new Map(request.items.map((item, index) => [ids[index], { ...item, id: ids[index] }]));
  // One item at a time: in a shared bibliography the styles would disambiguate ("2001a") and
  // substitute repeated authors, which a single citation on an article page never shows.
  return ids.map((id) => {
    citeproc.updateItems([id]);
    const made = citeproc.makeBibliography();
    if (!made) throw new Error("the style has no bibliography");
    return made[1].join("").trim();
  });
}

answer({ ready: true, citeproc: require("citeproc/package.json").version });
readline.createInterface({ input: process.stdin, terminal: false }).on("line", (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
    answer({ entries: render(request) });
  } catch (error) {
    // A style citeproc-js cannot use: drop its engine, which may be left half-way through an entry.
    if (request) engines.delete(`${request.style}\u0000${request.lang || ""}`);
    answer({ error: String((error && error.message) || error).slice(0, 300) });
  }
});

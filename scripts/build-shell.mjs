// Builds everything in dist/ but the wasm: the start's stylesheet (the design tokens, the page basics and
// the desk's CSS modules as stylance scoped them, in that order), the pages' stylesheet (the modules of
// pages the desk opens later, fetched beside the start without holding it up and applied when the app
// mounts), the icon and the offer sound, and index.html pointing at them. Stylesheet and icon carry their content hash in their names, so the server can
// let browsers keep them for a year; index.html itself is always revalidated. scripts/build-app.sh
// then adds the app's start to index.html.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";

const dist = process.argv[2] ?? "dist";
// The CSS modules of pages, panes and dialogs that come in their own chunk or open on demand: never
// part of what the desk draws when it starts.
const PAGE_MODULES = ["supervisor", "library", "listings", "call_settings", "callbacks", "host_api", "keyboard", "transfer", "collaboration"];
const modules = [...readFileSync("style/stylance/_index.scss", "utf8").matchAll(/@use "([^"]+)";/g)].map((m) => m[1]);
const isPage = (file) => PAGE_MODULES.includes(file.replace(/\.module-[0-9a-f]+\.css$/, ""));
for (const stem of PAGE_MODULES) {
  if (!modules.some((file) => isPage(file) && file.startsWith(`${stem}.`))) throw new Error(`no CSS module ${stem}`);
}
const stylesheets = ["style/tokens.css", "style/base.css", ...modules.filter((f) => !isPage(f)).map((f) => `style/stylance/${f}`)];
const pageSheets = modules.filter(isPage).map((f) => `style/stylance/${f}`);

const digest = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
const integrity = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

// Hashed files of an earlier build go; the app's own directory (dist/app) is build-app.sh's.
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) {
  if (name !== "app") rmSync(join(dist, name), { recursive: true, force: true });
}

function hashed(stem, extension, bytes) {
  const name = `${stem}-${digest(bytes)}${extension}`;
  writeFileSync(join(dist, name), bytes);
  return { href: `/${name}`, integrity: integrity(bytes) };
}

// Comments, indentation and the spaces around braces, semicolons, commas and after property names go:
// the stylesheet is part of the desk's start budget. Hovor's CSS has none of these characters in
// strings, which a general minifier would have to respect.
const minify = (css) =>
  css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n")
    .replace(/\s*([{};,])\s*/g, "$1")
    .replace(/;}/g, "}")
    .replace(/([{;])(-{0,2}[a-zA-Z][\w-]*):\s+/g, "$1$2:");
const bundle = (paths) => Buffer.from(minify(paths.map((path) => readFileSync(path, "utf8")).join("\n")));
const css = hashed("hovor", ".css", bundle(stylesheets));
const pagesCss = hashed("hovor-pages", ".css", bundle(pageSheets));
const icon = hashed("favicon", extname("public/favicon.svg"), readFileSync("public/favicon.svg"));
copyFileSync("public/offer.wav", join(dist, "offer.wav"));

// String packs: the words of a feature only some users open (locales/packs/<pack>/<language>.json),
// fetched with the feature instead of riding in the desk's start. Every language has every key.
const languages = ["en", "cs", "bg", "uk"];
for (const pack of readdirSync("locales/packs")) {
  const keys = (language) => Object.keys(JSON.parse(readFileSync(`locales/packs/${pack}/${language}.json`, "utf8"))).sort().join();
  for (const language of languages) {
    if (keys(language) !== keys("en")) throw new Error(`locales/packs/${pack}/${language}.json has not the keys of en.json`);
    mkdirSync(join(dist, "strings", pack), { recursive: true });
    copyFileSync(`locales/packs/${pack}/${language}.json`, join(dist, "strings", pack, `${language}.json`));
  }
}

// media="print" makes the pages' stylesheet a low-priority fetch that blocks nothing; the app sets it to
// "all" when it mounts (src/lib.rs).
const links =
  `<link rel="stylesheet" href="${css.href}" integrity="${css.integrity}">` +
  `<link rel="stylesheet" href="${pagesCss.href}" integrity="${pagesCss.integrity}" media="print" id="page-styles">` +
  `<link rel="icon" href="${icon.href}" integrity="${icon.integrity}">`;
const page = readFileSync("index.html", "utf8");
if (!page.includes("</head>")) throw new Error("index.html has no </head>");
writeFileSync(join(dist, "index.html"), page.replace("</head>", `${links}\n  </head>`));
console.log(`==> ${css.href} ${pagesCss.href} ${icon.href} index.html`);

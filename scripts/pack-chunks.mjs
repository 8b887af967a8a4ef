// Packs the splitter's output into a few files: the splitter writes one file per split chunk
// (split_<name>.wasm) and one per set of chunks sharing code (chunk_<n>.wasm), about a hundred of
// mostly 1 KB. Fetched one by one they cost a tablet on a slow network a round trip each and the
// desk's main thread a `fetch` call each. Here each chunk's own module and the shared modules it
// is the first to need go into one `pack_<name>.bin`, and the loader (__wasm_split.js) is rewritten
// to cut every module out of its pack: the desk's start fetches four packs instead of ~80 files.
//
//   node scripts/pack-chunks.mjs <dir with __wasm_split.js and the .wasm files>
import { readFileSync, writeFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";

// The order in which the app first needs its chunks (src/components/lazy.rs): the sign-in page,
// then what an opened conversation draws, then what the desk prefetches later, then the rest.
const FIRST_NEEDED = ["login", "panes", "compose", "offers", "handling", "records", "keys", "email", "collab", "admin"];

const dir = process.argv[2];
if (!dir) throw new Error("usage: pack-chunks.mjs <dir>");
const loaderPath = join(dir, "__wasm_split.js");
let loader = readFileSync(loaderPath, "utf8");

// Every module the loader fetches, with the modules it waits for.
const definition =
  /(?:const __chunk_(\d+) = makeLoad|export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad)\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([\w.]+\.wasm)", import\.meta\.url\)\);\s*return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);\s*\}\s*, \[([^\]]*)\]/g;
const modules = new Map(); // file → { chunk?: name, deps: [file] }
const byConst = new Map();
for (const m of loader.matchAll(definition)) {
  const [, shared, chunk, file, deps] = m;
  modules.set(file, { chunk, deps: deps.split(",").map((d) => d.trim()).filter(Boolean) });
  byConst.set(shared ? `__chunk_${shared}` : `__wasm_split_load_${chunk}`, file);
}
const fetches = (loader.match(/fetch\(new URL\(/g) ?? []).length;
if (modules.size === 0 || modules.size !== fetches) {
  throw new Error(`the loader's shape is not the one this script knows (${modules.size} of ${fetches} fetches understood)`);
}

// Which chunks need each shared module, through shared modules that need others.
const neededBy = new Map([...modules.keys()].map((file) => [file, new Set()]));
const visit = (file, chunk) => {
  if (neededBy.get(file).has(chunk)) return;
  neededBy.get(file).add(chunk);
  for (const dep of modules.get(file).deps) visit(byConst.get(dep), chunk);
};
for (const [file, { chunk }] of modules) if (chunk) visit(file, chunk);

const chunks = [...modules.values()].filter((m) => m.chunk).map((m) => m.chunk);
const order = [...FIRST_NEEDED.filter((c) => chunks.includes(c)), ...chunks.filter((c) => !FIRST_NEEDED.includes(c)).sort()];
const packOf = (file) => order.find((chunk) => neededBy.get(file).has(chunk));

// Each pack: the chunk's own module first, then the shared ones in loader order.
const packs = new Map(order.map((chunk) => [chunk, []]));
for (const file of [...modules.keys()].sort((a, b) => (modules.get(b).chunk ? 1 : 0) - (modules.get(a).chunk ? 1 : 0))) {
  const pack = packOf(file);
  if (!pack) throw new Error(`${file} is needed by no chunk`);
  packs.get(pack).push(file);
}
const place = new Map(); // file → [pack, offset, length]
for (const [pack, files] of packs) {
  const bytes = files.map((file) => readFileSync(join(dir, file)));
  let offset = 0;
  files.forEach((file, i) => {
    place.set(file, [pack, offset, bytes[i].length]);
    offset += bytes[i].length;
  });
  writeFileSync(join(dir, `pack_${pack}.bin`), Buffer.concat(bytes));
  for (const file of files) unlinkSync(join(dir, file));
}

loader = loader.replace(definition, (whole, _shared, _chunk, file) => {
  const [pack, offset, length] = place.get(file);
  return whole
    .replace(/fetch\(new URL\("[^"]+", import\.meta\.url\)\)/, `packed(${JSON.stringify(pack)}, ${offset}, ${length})`)
    .replace("WebAssembly.instantiateStreaming(src, imports)", "WebAssembly.instantiate(await src, imports)");
});
const packedFn = `
// The modules come out of packs (scripts/pack-chunks.mjs): one request per pack, kept once fetched;
// a failed fetch is forgotten so that the next load tries again.
const packs = new Map();
function packed(name, offset, length) {
    let pack = packs.get(name);
    if (pack === undefined) {
        pack = fetch(new URL(\`./pack_\${name}.bin\`, import.meta.url)).then((response) => {
            if (!response.ok) throw new Error(\`pack \${name}: HTTP \${response.status}\`);
            return response.arrayBuffer();
        });
        pack.catch(() => { if (packs.get(name) === pack) packs.delete(name); });
        packs.set(name, pack);
    }
    return pack.then((buffer) => new Uint8Array(buffer, offset, length));
}
`;
loader = loader.replace(/\nfunction makeLoad\(/, `${packedFn}function makeLoad(`);
if (!loader.includes("function packed(")) throw new Error("the loader has no makeLoad to put the pack reader before");
writeFileSync(loaderPath, loader);

for (const [pack, files] of packs) {
  const size = files.reduce((sum, file) => sum + place.get(file)[2], 0);
  console.log(`pack_${pack}.bin: ${files.length} modules, ${(size / 1024).toFixed(1)} KB`);
}

#!/usr/bin/env bash
# Builds the app's wasm into dist/app/<content hash>/ and points dist/index.html at it.
#
# Rarely used parts of the desk are split functions (`split_view!` in src/components/lazy.rs). The
# splitter moves them into chunks that the desk fetches on first use, so it must run on the linked
# module before wasm-bindgen (which keeps the linker's exports for it), and every file is then
# optimised on its own. scripts/build-shell.mjs builds the rest of dist/ (CSS, icon, index.html) first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

dist=${1:-dist}
work=target/app-build
# Only binaryen 132 is known to produce modules that start (Debian's binaryen 108 exits 0 but the
# module then fails in Chromium); checked first, before the long build.
wasm-opt --version | grep "version 132" >/dev/null || { echo "wasm-opt must be binaryen 132: scripts/install-tools.sh" >&2; exit 1; }

# --emit-relocs keeps the relocations the splitter needs to cut the split functions out.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg hovor_split -Clink-args=--emit-relocs" \
  cargo build --locked --target wasm32-unknown-unknown --profile wasm-release --bin hovor

rm -rf "$work" && mkdir -p "$work/split" "$work/out"
wasm-split-cli target/wasm32-unknown-unknown/wasm-release/hovor.wasm "$work/split" --target web --out-name hovor
wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript \
  --out-dir "$work/out" --out-name hovor "$work/split/hovor.wasm"
# The loader, one file per split chunk name (split_*.wasm) and the code those share (chunk_*.wasm),
# packed below.
find "$work/split" -name '*.js' -o -name '*.wasm' ! -name hovor.wasm | xargs -r cp -t "$work/out/"
for wasm in "$work/out"/*.wasm; do
  # It warns about the splitter's name section, which -Oz drops anyway.
  wasm-opt -Oz "$wasm" -o "$wasm.opt" 2>"$work/wasm-opt.log" || { cat "$work/wasm-opt.log" >&2; exit 1; }
  mv "$wasm.opt" "$wasm"
done
# A hundred small modules become a few packs, one request each (see the script).
node scripts/pack-chunks.mjs "$work/out"
# The glue wasm-bindgen and the splitter write is part of the start: minified (esbuild: spaces and
# local names; the import names the modules are linked by stay). Its warnings are about the glue's
# repeated keys, which minifying keeps as they are.
for js in "$work/out"/*.js; do
  esbuild "$js" --minify --format=esm --log-level=error --allow-overwrite --outfile="$js"
done

# The directory name is the content hash: files inside keep fixed names (the chunk loader refers to
# them relative to itself), and a new build never mixes with a cached old one.
id=$(cat "$work/out"/* | sha256sum | cut -c1-16)
rm -rf "$dist/app" && mkdir -p "$dist/app" && mv "$work/out" "$dist/app/$id"

# The app starts after the page's first paint (the server's first paint of a conversation, or the empty
# page): on a slow network its few hundred KB would otherwise share the line with the stylesheet that
# paint waits for. A hidden tab paints no frames, hence the timer as well. While the wasm downloads,
# the page's first date and number formatters are made and dropped: the first loads the browser's locale data
# (15–50 ms, four times that on a tablet), which otherwise lands inside the app's first render.
start="<script type=\"module\">let started = false;
const start = () => {
  if (started) return;
  started = true;
  const wasm = fetch(\"/app/$id/hovor_bg.wasm\");
  import(\"/app/$id/hovor.js\").then(({ default: init }) => init({ module_or_path: wasm }));
  setTimeout(() => {
    new Intl.DateTimeFormat(undefined, { hour: \"2-digit\", minute: \"2-digit\" }).format(0);
    new Intl.NumberFormat(undefined, { style: \"unit\", unit: \"minute\", unitDisplay: \"short\" }).format(0);
  });
};
requestAnimationFrame(() => setTimeout(start));
setTimeout(start, 200);</script>"
# Marked, so building again replaces exactly what an earlier build put there.
start=$(printf '%s' "$start" | tr '\n' ' ')
sed -i 's#<script type="module">.*<!-- app start -->##' "$dist/index.html"
sed -i "s#</head>#$start<!-- app start --></head>#" "$dist/index.html"
# The server prefers pre-compressed files: stale ones would point at the directory just replaced.
rm -f "$dist/index.html.br" "$dist/index.html.gz"
echo "==> app $id: $(ls "$dist/app/$id" | tr '\n' ' ')"

#!/usr/bin/env bash
# Builds Hovor in release mode: the app (dist/, pre-compressed) and the server binary.
# Installs missing tools first. Parts whose sources did not change since the last build are reused.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-tools.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

cargo fetch --locked --quiet

# The app: rebuilt only when something it is made from changed.
app_inputs=(Cargo.toml Cargo.lock .cargo/config.toml scripts/build-app.sh scripts/build-shell.mjs index.html build.rs src style/tokens.css style/base.css locales public crates/hovor-types)
stamp=$(find "${app_inputs[@]}" -type f ! -name '*.db*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
if [ -f dist/.build-stamp ] && [ "$(cat dist/.build-stamp)" = "$stamp" ]; then
  echo "==> app unchanged, reusing dist/"
else
  echo "==> building the app (release)"
  stylance . # writes each CSS module, scoped, into style/stylance/
  node scripts/build-shell.mjs dist
  scripts/build-app.sh dist
  node scripts/precompress.mjs dist
  echo "$stamp" > dist/.build-stamp
fi

echo "==> building the server and the mail sink (release)"
cargo build --release --locked -p hovor-server -p hovor-mail-sink

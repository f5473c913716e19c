# Front-end libraries of the staff console (htmx, Chart.js) from the npm registry, pinned by ivr/console/npm's
# package-lock.json, copied into ivr/console/static/vendor (git-ignored) where the app serves them: never a CDN.
# for: run test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
SRC="$ROOT/ivr/console/npm"
DEST="$ROOT/ivr/console/static/vendor"
FILES=(htmx.org/dist/htmx.min.js chart.js/dist/chart.umd.min.js)
h="$(hash_files "$SRC/package.json" "$SRC/package-lock.json" "$ROOT/scripts/setup.d/60-console.sh")"
have_all() { for f in "${FILES[@]}"; do [ -s "$DEST/$(basename "$f")" ] || return 1; done; }
if stamp_ok console "$h" && have_all; then exit 0; fi
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
build="$ROOT/var/build/console-npm"
rm -rf "$build"
mkdir -p "$build" "$DEST"
cp "$SRC/package.json" "$SRC/package-lock.json" "$build/"
# --ignore-scripts: nothing from the registry runs on this machine; the lock file pins versions and integrity hashes
npm ci --prefix "$build" --ignore-scripts --no-audit --no-fund --loglevel=error
for f in "${FILES[@]}"; do cp "$build/node_modules/$f" "$DEST/"; done
cp "$build/node_modules/htmx.org/LICENSE" "$DEST/htmx.LICENSE.txt"
cp "$build/node_modules/chart.js/LICENSE.md" "$DEST/chart.js.LICENSE.txt"
have_all || { echo "setup 60-console: vendored files missing in $DEST after npm ci" >&2; exit 1; }
rm -rf "$build"
stamp_set console "$h"
echo "console: vendored $(ls "$DEST" | tr '\n' ' ')into $DEST"

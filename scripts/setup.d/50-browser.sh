# Headless Chromium for the browser-softphone end-to-end test (Playwright drives the Debian build; it never downloads one).
# for: test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
apt_install chromium chromium-driver
if ! /usr/bin/chromium --version >/dev/null 2>&1; then
  echo "setup 50-browser: /usr/bin/chromium does not run after installing the Debian package" >&2
  exit 1
fi

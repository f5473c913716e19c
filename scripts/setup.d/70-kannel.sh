# Kannel, the open-source SMS gateway NGOs run: bearerbox + smsbox (Debian `kannel`) and its fake SMSC
# (`fakesmsc`, Debian `kannel-extras`) for the SMS channel and its tests. The Debian service is not needed:
# the project starts its own boxes with its own configuration (ivr/sms/kannel_conf.py), so the packaged one is
# stopped and disabled once, where systemd/init scripts are present.
# for: test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
h="$(hash_files "$ROOT/scripts/setup.d/70-kannel.sh")"
have_all() { command -v bearerbox >/dev/null && command -v smsbox >/dev/null && command -v fakesmsc >/dev/null; }
if stamp_ok kannel "$h" && have_all; then exit 0; fi
apt_install kannel kannel-extras
# kannel-extras puts its test tools outside PATH on some releases: link fakesmsc where the tests look first
if ! command -v fakesmsc >/dev/null; then
  found="$(dpkg -L kannel-extras 2>/dev/null | grep -E '/fakesmsc$' | head -n1 || true)"
  [ -n "$found" ] && ln -sf "$found" /usr/local/bin/fakesmsc
fi
# The packaged service (if the package started one) would hold Kannel's default ports 13000/13013
if command -v service >/dev/null 2>&1; then service kannel stop >/dev/null 2>&1 || true; fi
have_all || { echo "setup 70-kannel: bearerbox, smsbox or fakesmsc missing after apt-get install kannel kannel-extras" >&2; exit 1; }
stamp_set kannel "$h"
echo "kannel: $(bearerbox -v 2>&1 | grep -m1 -i 'kannel' || echo installed)"

# System packages only the tests use: Festival + the us-slt voice (the deterministic caller voice of closed-loop
# tests) and PostgreSQL (the same models and migrations are tested on it).
# for: test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
apt_install festival festvox-us-slt-hts postgresql

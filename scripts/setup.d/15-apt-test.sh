# System packages only the tests use: Festival + the us-slt voice (the deterministic caller voice of closed-loop
# tests; kal is the voice the recogniser is tuned on, slt one it is tested on), real human recordings
# (pocketsphinx-testdata) and PostgreSQL (the same models and migrations are tested on it).
# for: test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
apt_install festival festvox-us-slt-hts festvox-kallpc16k pocketsphinx-testdata postgresql

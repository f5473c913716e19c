# System packages: speech engines (espeak-ng, Festival caller voice), real human test recordings
# (pocketsphinx-testdata), PostgreSQL for storage tests, sox/ffmpeg for audio.
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
apt_install espeak-ng festival festvox-us-slt-hts pocketsphinx-testdata postgresql sox ffmpeg

# System packages: speech engines (espeak-ng, Festival caller voice), PostgreSQL for storage tests, sox/ffmpeg for audio.
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
apt_install espeak-ng festival festvox-us-slt-hts postgresql sox ffmpeg

# System packages: speech engines (espeak-ng, Festival caller voices: slt to test the recogniser on, kal to tune it
# on), real human test recordings (pocketsphinx-testdata), PostgreSQL for storage tests, sox/ffmpeg for audio.
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
apt_install espeak-ng festival festvox-us-slt-hts festvox-kallpc16k pocketsphinx-testdata postgresql sox ffmpeg

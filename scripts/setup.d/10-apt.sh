# System packages the stack uses: espeak-ng (the default TTS), sox and ffmpeg (audio conversion, pydub).
# for: run test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
apt_install espeak-ng sox ffmpeg

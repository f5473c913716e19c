# Optional Coqui TTS engine in its own venv (.venv-coqui): torch/coqui pins clash with the app venv.
# for: test
# Skip with IVR_SKIP_COQUI=1 (the Coqui tests then skip with a reason). Measured here: see speech/tts/coqui.py.
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
if [ "${IVR_SKIP_COQUI:-0}" = "1" ]; then echo "coqui: skipped (IVR_SKIP_COQUI=1)"; exit 0; fi
PY="${IVR_PYTHON:-$(command -v python3.11 || command -v python3)}"
# torch 2.13 CPU fails to load torchaudio; 2.11.0 is the pair coqui-tts 0.28 works with.
PKGS="torch==2.11.0 torchaudio==2.11.0 torchcodec six coqui-tts==0.28.0"
h="$(echo "$PKGS" | sha256sum | cut -c1-16)"
if stamp_ok coqui "$h" && [ -x "$ROOT/.venv-coqui/bin/python" ]; then exit 0; fi
start=$(date +%s)
if [ ! -x "$ROOT/.venv-coqui/bin/python" ]; then "$PY" -m venv "$ROOT/.venv-coqui"; fi
"$ROOT/.venv-coqui/bin/pip" install -q --upgrade pip
# shellcheck disable=SC2086
"$ROOT/.venv-coqui/bin/pip" install -q $PKGS
"$ROOT/.venv-coqui/bin/python" -c "import TTS, torch, torchaudio; print('coqui ok', torch.__version__)"
echo "coqui: installed in $(( $(date +%s) - start )) s, $(du -sh "$ROOT/.venv-coqui" | cut -f1)"
stamp_set coqui "$h"

# The app's own venv (.venv, Python 3.11) with the project installed editable: the whisper extra for the stack
# (English is heard by faster-whisper where no Vosk model is installed); for the tests also the dev extra (pytest,
# ruff, mypy, Playwright) and piper (the stack speaks with espeak-ng unless IVR_SPEECH__TTS__ENGINE_BY_LANG says
# otherwise; `.venv/bin/pip install -e .[piper]` adds it).
# for: run test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
PY="${IVR_PYTHON:-$(command -v python3.11 || command -v python3)}"
case "${IVR_SETUP_FOR:-test}" in
  run) extras="whisper" ;;
  *) extras="dev,whisper,piper" ;;
esac
h="$(hash_files "$ROOT/pyproject.toml")"
if [ ! -x "$ROOT/.venv/bin/python" ]; then "$PY" -m venv "$ROOT/.venv"; fi
# The test set-up installs a superset of the run set-up: either stamp satisfies a run.
if stamp_ok "venv-$extras" "$h" || { [ "$extras" = "whisper" ] && stamp_ok "venv-dev,whisper,piper" "$h"; }; then
  exit 0
fi
"$ROOT/.venv/bin/pip" install -q --upgrade pip
"$ROOT/.venv/bin/pip" install -q -e "$ROOT[$extras]"
stamp_set "venv-$extras" "$h"

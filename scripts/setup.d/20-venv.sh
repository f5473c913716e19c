# The app's own venv (.venv, Python 3.11) with the project installed editable plus dev and whisper extras.
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
PY="${IVR_PYTHON:-$(command -v python3.11 || command -v python3)}"
h="$(hash_files "$ROOT/pyproject.toml")"
if [ ! -x "$ROOT/.venv/bin/python" ]; then "$PY" -m venv "$ROOT/.venv"; fi
if ! stamp_ok venv "$h"; then
  "$ROOT/.venv/bin/pip" install -q --upgrade pip
  "$ROOT/.venv/bin/pip" install -q -e "$ROOT[dev,whisper,piper]"
  stamp_set venv "$h"
fi

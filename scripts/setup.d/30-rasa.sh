# The Rasa venv (.venv-rasa, Python 3.10, rasa==3.6.21): Rasa pins old deps, so it never shares the app's venv.
# for: run test
set -euo pipefail
source "$ROOT/scripts/setup.d/lib.sh"
RASA_VERSION="3.6.21"
# rasa==3.6.21 brings its own pins (tensorflow 2.12, sanic 21, setuptools); nothing extra is needed on Python 3.10.
# pip is held below 24.1, the version this step was verified with end to end (install + import, ~100 s).
PIP_SPEC="pip<24.1"
VENV="$ROOT/.venv-rasa"
h="$(echo "$RASA_VERSION $PIP_SPEC" | sha256sum | cut -c1-16)"
if stamp_ok rasa "$h" && [ -x "$VENV/bin/rasa" ]; then exit 0; fi
find_py310() {
  if [ -n "${IVR_RASA_PYTHON:-}" ]; then echo "$IVR_RASA_PYTHON"; return; fi
  local c
  for c in "$HOME"/.pyenv/versions/3.10.*/bin/python; do [ -x "$c" ] && { echo "$c"; return; }; done
  command -v python3.10 || true
}
PY="$(find_py310)"
if [ -z "$PY" ] || ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  echo "30-rasa: Python 3.10 not found (Rasa 3.6 needs it): install python3.10 or set IVR_RASA_PYTHON=/path/to/python3.10" >&2
  exit 1
fi
start=$(date +%s)
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade "$PIP_SPEC"
"$VENV/bin/python" -m pip install -q "rasa==$RASA_VERSION"
"$VENV/bin/python" -c 'import rasa, rasa.nlu.classifiers.logistic_regression_classifier; print("rasa", rasa.__version__)' 2>/dev/null
echo "30-rasa: installed in $(( $(date +%s) - start )) s"
stamp_set rasa "$h"

#!/usr/bin/env bash
# Set up what is needed, then run every test (unit, integration with real servers, end-to-end).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" --for test
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m pytest -q -rs "$@"

#!/usr/bin/env bash
# The main job: set up what is needed, then run the stack on embedded defaults (see README).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" --for run
cd "$ROOT"
exec "$ROOT/bin/ivr" stack

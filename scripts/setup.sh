#!/usr/bin/env bash
# Installs what the project needs on Debian 12 (root, Python 3.11): apt packages, the app venv, the Rasa venv,
# optional engines. Idempotent: each step checks a stamp and is quick on a second run.
#   bash scripts/setup.sh [--for run|test] [--list] [STEP...]
# --for run: only what the main job (`./ivr stack`) uses; --for test (the default): everything the tests use too
# (Coqui's 5.5 GB venv, Chromium, PostgreSQL, Festival). Each step says which jobs need it on a `# for:` line.
# --list prints the steps that would run; STEP names (e.g. 20-venv) run only those.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
cd "$ROOT"
job=test
list=0
only=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --for) job="${2:-}"; shift 2 ;;
    --for=*) job="${1#--for=}"; shift ;;
    --list) list=1; shift ;;
    -*) echo "setup: unknown option $1 (use --for run|test, --list, or step names)" >&2; exit 2 ;;
    *) only+=("$1"); shift ;;
  esac
done
case "$job" in run|test) ;; *) echo "setup: --for takes run or test, not '$job'" >&2; exit 2 ;; esac
export IVR_SETUP_FOR="$job"
mkdir -p var
# Steps run in name order.
for step in "$ROOT"/scripts/setup.d/[0-9]*.sh; do
  name="$(basename "$step" .sh)"
  if [ "${#only[@]}" -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then continue; fi
  needed_by="$(sed -n 's/^# for: *//p' "$step" | head -n1)"
  if [[ " $needed_by " != *" $job "* ]]; then continue; fi
  if [ "$list" = 1 ]; then echo "$name"; continue; fi
  echo "== setup: $name"
  bash "$step"
done

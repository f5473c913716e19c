#!/usr/bin/env bash
# Installs everything the project needs on Debian 12 (root, Python 3.11): apt packages, the app venv,
# the Rasa venv, optional engines. Idempotent: each step checks a stamp and is quick on a second run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
cd "$ROOT"
mkdir -p var
# Steps run in name order; pass step names (e.g. "20-venv") to run only those.
for step in "$ROOT"/scripts/setup.d/*.sh; do
  name="$(basename "$step" .sh)"
  if [ "$#" -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  echo "== setup: $name"
  bash "$step"
done

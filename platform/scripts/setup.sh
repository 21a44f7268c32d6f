#!/usr/bin/env bash
# make setup: install what the project needs. Safe to run again; each step skips what is done.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '==> %s\n' "$*"; }

if ! command -v uv >/dev/null 2>&1 && [ ! -x "$HOME/.local/bin/uv" ]; then
  step "installing uv from PyPI"
  python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages --user uv
fi
UV=$(command -v uv 2>/dev/null || echo "$HOME/.local/bin/uv")

step "syncing .venv (uv sync --frozen)"
"$UV" sync --frozen --quiet

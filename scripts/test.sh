#!/usr/bin/env bash
# Set up if needed, then lint, type-check and run every test (slow ones included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
.venv/bin/ruff check src tests bench examples scripts
.venv/bin/mypy
.venv/bin/pytest -q "$@"

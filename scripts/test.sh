#!/usr/bin/env bash
# Set up if needed, then lint, type-check and run every test (slow ones included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
.venv/bin/ruff check src tests bench examples scripts
.venv/bin/mypy
# Two workers, each taking whole files (a module's server stays on one worker): most tests wait on
# servers, sockets and real-time audio as much as on the CPU, so two share the two cores well
# (measured: 66 server-heavy tests in 276 s instead of 473 s).
.venv/bin/pytest -q -n 2 --dist loadfile "$@"

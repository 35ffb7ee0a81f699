#!/usr/bin/env bash
# Set up if needed, then run RealTalk with the embedded offline models.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/realtalk serve "$@"

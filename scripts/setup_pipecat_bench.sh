#!/usr/bin/env bash
# The Pipecat 1.14 bot that `bench/load_voice.py --peer pipecat` measures RealTalk against, and
# Pipecat's end of turn that `bench/peer_turn_decision.py` replays beside RealTalk's
# (`bench/pipecat_turn.py`), in their own virtual environment, .venv-pipecat (Pipecat pins its own
# numpy, openai and websockets, which must not move the project's). A bench tool only: not made by
# setup.sh, not used by the tests or CI. Reinstalls only when bench/requirements-pipecat.txt changes.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements="bench/requirements-pipecat.txt"
env=".venv-pipecat"
stamp="$env/.realtalk-setup-$(sha1sum "$requirements" | cut -c1-12)"
[ -f "$stamp" ] && exit 0
[ -x "$env/bin/python" ] || python3 -m venv "$env"
"$env/bin/python" -m pip install -q -r "$requirements"
rm -f "$env"/.realtalk-setup-*
touch "$stamp"
echo "setup: $env ready"

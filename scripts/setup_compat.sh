#!/usr/bin/env bash
# The third-party Realtime clients of tests/compat, each installed once per change of its pins:
# Pipecat and LiveKit in their own virtual environments under .venv-compat/ (they pin their own
# openai, aiohttp and websockets, which must not move the project's), @openai/agents-realtime
# with npm from its lock file. Run by `scripts/setup.sh --dev`, and by the tests when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

for client in pipecat livekit; do
  requirements="tests/compat/requirements-$client.txt"
  env=".venv-compat/$client"
  stamp="$env/.realtalk-setup-$(sha1sum "$requirements" | cut -c1-12)"
  [ -f "$stamp" ] && continue
  [ -x "$env/bin/python" ] || python3 -m venv "$env"
  "$env/bin/python" -m pip install -q -r "$requirements"
  rm -f "$env"/.realtalk-setup-*
  touch "$stamp"
  echo "setup: $env ready"
done

node_dir="tests/compat/node"
stamp="$node_dir/node_modules/.realtalk-setup-$(sha1sum "$node_dir/package-lock.json" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  # @openai/agents-realtime's openai dependency asks for Node 22; it runs on Debian's Node 20.
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
  echo "setup: $node_dir/node_modules ready"
fi

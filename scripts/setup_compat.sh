#!/usr/bin/env bash
# The third-party Realtime clients of tests/compat, each installed once per change of its pins:
# Pipecat and LiveKit in their own virtual environments (they pin their own openai, aiohttp and
# websockets, which must not move the project's), @openai/agents-realtime with npm from its lock
# file. Run by `scripts/setup.sh --dev`, and by the tests when missing.
#
# The installs are kept in a cache shared by every checkout on the machine ($REALTALK_CACHE, else
# ~/.cache/realtalk), named by the hash of their pins, and linked in as .venv-compat/<client> and
# tests/compat/node/node_modules: a fresh clone (CI) links them in a second instead of spending
# minutes reinstalling the same pins.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${REALTALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/realtalk}"
mkdir -p "$cache" .venv-compat

# Link `$2` to the cached install `$1`, replacing whatever stands there (an older install, a link).
link() {
  if [ "$(readlink "$2" 2>/dev/null)" != "$1" ]; then
    rm -rf "$2"
    ln -s "$1" "$2"
  fi
}

for client in pipecat livekit; do
  requirements="tests/compat/requirements-$client.txt"
  shared="$cache/compat-$client-$(sha1sum "$requirements" | cut -c1-12)"
  (
    flock 9  # another checkout may be installing the same pins right now
    if [ ! -f "$shared/.complete" ]; then
      rm -rf "$shared"
      python3 -m venv "$shared"
      "$shared/bin/python" -m pip install -q -r "$requirements"
      touch "$shared/.complete"
      echo "setup: $shared ready"
    fi
  ) 9>"$shared.lock"
  link "$shared" ".venv-compat/$client"
done

node_dir="tests/compat/node"
shared="$cache/node-$(sha1sum "$node_dir/package.json" "$node_dir/package-lock.json" | sha1sum | cut -c1-12)"
(
  flock 9
  if [ ! -f "$shared/.complete" ]; then
    rm -rf "$shared"
    mkdir -p "$shared"
    cp "$node_dir/package.json" "$node_dir/package-lock.json" "$shared/"
    # @openai/agents-realtime's openai dependency asks for Node 22; it runs on Debian's Node 20.
    (cd "$shared" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$shared/.complete"
    echo "setup: $shared/node_modules ready"
  fi
) 9>"$shared.lock"
link "$shared/node_modules" "$node_dir/node_modules"

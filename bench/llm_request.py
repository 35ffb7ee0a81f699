"""One Task Manager request against an OpenAI-compatible endpoint: how fast a local LLM answers.

Sends what RealTalk sends for a spoken request to the Task Manager (its instructions, today's date,
its tools), streamed, `--rounds` times: the first pays for reading the whole prompt, later ones
find it cached (llama.cpp keeps a slot's prompt). Prints first-token and whole-call latency, and
llama.cpp's own prompt and generation speeds when the server reports them. Run from the repo root:

    python bench/llm_request.py --base-url http://127.0.0.1:8081/v1 [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from realtalk.apps import builtin_apps
from realtalk.brain.base import BrainRequest, Message
from realtalk.brain.openai_compat import chat_request

ASK = "Add pick up the dry cleaning tomorrow at 5 pm, and make it high priority."


def once(base_url: str, body: dict[str, object]) -> dict[str, float]:
    started = time.perf_counter()
    first = 0.0
    timings: dict[str, float] = {}
    # A new connection each time: llama.cpp's server closes a kept-alive one after a stream.
    with httpx.stream("POST", f"{base_url}/chat/completions", json=body, timeout=600) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data: {"):
                continue
            chunk = json.loads(line[6:])
            delta = (chunk.get("choices") or [{}])[0].get("delta", {})
            if not first and (delta.get("content") or delta.get("tool_calls")):
                first = time.perf_counter() - started
            timings = chunk.get("timings", timings)
    return {
        "first_token_s": first,
        "whole_s": time.perf_counter() - started,
        "prompt_tokens": timings.get("prompt_n", 0),
        "cached_tokens": timings.get("cache_n", 0),
        "prompt_tok_s": timings.get("prompt_per_second", 0),
        "generated_tokens": timings.get("predicted_n", 0),
        "generate_tok_s": timings.get("predicted_per_second", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", default="local")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = builtin_apps()["task-manager"]
    tools = [*app.tools.specs(), *(agent.handoff().tool for agent in app.agents[1:])]
    request = BrainRequest(app.session["instructions"], [Message("user", ASK)], tools, "auto")
    body = chat_request(args.model, request) | {"temperature": 0}
    runs = []
    for round_ in range(args.rounds):
        run = once(args.base_url, body)
        runs.append(run)
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in run.items()), flush=True)
    if len(runs) > 1:
        warm = runs[1:]
        print(f"warm median: first token {statistics.median(r['first_token_s'] for r in warm):.2f} s, "
              f"whole call {statistics.median(r['whole_s'] for r in warm):.2f} s, "
              f"generation {statistics.median(r['generate_tok_s'] for r in warm):.1f} tok/s; "
              f"cold: prompt {runs[0]['prompt_tokens']:.0f} tokens "
              f"at {runs[0]['prompt_tok_s']:.1f} tok/s")  # fmt: skip


if __name__ == "__main__":
    main()

"""The LLM answer cache: hit rate on paraphrased opening questions, and hit vs. LLM latency.

A real Chat Completions server on loopback (tests/chat_server.py) stands in for the LLM and waits
`--llm-ms` before its first token. Each question is asked once (a miss that fills the cache), then
as paraphrases (should hit) and unrelated questions (must miss). Prints the hit rate on the
paraphrases, false hits on unrelated questions, and median/p95 answer time for hits and misses.

Run from the repo root: `python bench/semantic_cache.py [--threshold 0.9] [--llm-ms 400]`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.chat_server import ChatServer, Scripted

from realtalk.brain.base import Brain, BrainRequest, Message, TextDelta
from realtalk.brain.openai_compat import OpenAICompatibleBrain
from realtalk.brain.semantic_cache import SemanticCache
from realtalk.engines import minilm_embedder

QUESTIONS = [
    ("What time does breakfast start?", ["When does breakfast start?", "what time is breakfast served"]),
    ("Is there free wifi in the hotel?", ["Does the hotel have free wifi?", "is the wifi free here"]),
    ("How far is the airport?", ["How far away is the airport?", "what's the distance to the airport"]),
    ("Can I check out late?", ["Is late check-out possible?", "can i have a late checkout"]),
    ("Where can I park my car?", ["Where do I park my car?", "is there parking for my car"]),
    ("Do you allow pets?", ["Are pets allowed?", "can I bring my dog"]),
    ("What is the capital of France?", ["what's the capital of france", "Which city is France's capital?"]),
    (
        "How do I get to the train station?",
        ["How can I get to the train station?", "directions to the train station"],
    ),
]
UNRELATED = [
    "What time does the pool close?", "Is there a gym?", "Can you call me a taxi?",
    "What is the capital of Spain?", "How far is the beach?", "Do you have room service?",
    "Where is the nearest pharmacy?", "Can I get extra towels?",
]  # fmt: skip


async def answer(brain: Brain, question: str) -> tuple[float, str]:
    started = time.perf_counter()
    request = BrainRequest("You are a concierge.", [Message("user", question)])
    parts = [e.text async for e in brain.stream(request) if isinstance(e, TextDelta)]
    return (time.perf_counter() - started) * 1000, "".join(parts)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--llm-ms", type=float, default=400.0, help="the stand-in LLM's time to first token")
    args = parser.parse_args()
    minilm_embedder.shared().embed(["warm up"])
    with ChatServer() as chat:
        chat.replies += [Scripted(text=[f"answer {i}"], hang_s=args.llm_ms / 1000) for i in range(200)]
        cache = SemanticCache(minilm_embedder.shared, threshold=args.threshold)
        brain = cache.for_key(OpenAICompatibleBrain(base_url=chat.base_url, model="m", timeout_s=10), "key")
        misses = [(await answer(brain, q))[0] for q, _ in QUESTIONS]
        calls = len(chat.requests)
        hits, hit_ms = 0, []
        for _, paraphrases in QUESTIONS:
            for paraphrase in paraphrases:
                before = len(chat.requests)
                ms, _ = await answer(brain, paraphrase)
                if len(chat.requests) == before:
                    hits += 1
                    hit_ms.append(ms)
        false_hits = 0
        for question in UNRELATED:
            before = len(chat.requests)
            await answer(brain, question)
            false_hits += len(chat.requests) == before
    total = sum(len(p) for _, p in QUESTIONS)
    print(
        f"threshold {args.threshold}; stand-in LLM first token {args.llm_ms:.0f} ms; {calls} first questions"
    )
    print(f"paraphrases answered from the cache: {hits}/{total} ({100 * hits / total:.0f}%)")
    print(f"unrelated questions wrongly answered from the cache: {false_hits}/{len(UNRELATED)}")
    if hit_ms:
        print(f"hit   p50 {np.percentile(hit_ms, 50):6.1f} ms  p95 {np.percentile(hit_ms, 95):6.1f} ms")
    print(f"miss  p50 {np.percentile(misses, 50):6.1f} ms  p95 {np.percentile(misses, 95):6.1f} ms (LLM)")


if __name__ == "__main__":
    asyncio.run(main())

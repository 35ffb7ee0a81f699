"""A fake OpenAI-compatible LLM for load benchmarks: a real HTTP server on loopback.

Every chat completion streams the same long, multi-sentence answer: the first token after
100 ms, then one word every 10 ms (a fast hosted model). Run `python bench/fake_llm.py`; it
prints its base URL on the first line of stdout and serves until killed.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.chat_server import ChatServer, Scripted

ANSWER = (
    "Sure, here is what I found for you. "
    "Item 1: the museum opens at nine in the morning and closes at six. "
    "Item 2: tickets cost twelve euros, and students pay half. "
    "The easiest way to get there is the number four tram, which stops right outside. "
    "If you go on a weekday, it is usually much quieter after lunch."
)
FIRST_TOKEN_S = 0.1
WORD_S = 0.01


def long_answer() -> Scripted:
    words = ANSWER.split(" ")
    pieces = [words[0]] + [f" {word}" for word in words[1:]]
    return Scripted(text=pieces, hang_s=FIRST_TOKEN_S, piece_delay_s=WORD_S)


def main() -> None:
    with ChatServer() as chat:
        chat.default = long_answer()
        print(chat.base_url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()

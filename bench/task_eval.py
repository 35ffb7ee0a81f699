"""Spoken-request evaluation of the Voice Task Manager with the built-in (offline) brain.

Each request is spoken by Piper, sent as audio over the Realtime WebSocket (manual commit), heard
by Whisper, handled by the built-in brain and the task tools; success is judged on the task list
itself (through the REST API) or on what the agent says back. Prints the completion rate and
every failure. Run from the repository root: `python bench/task_eval.py [--text]`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import soxr
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import API_KEY, LiveServer, free_port

from realtalk.engines.piper_tts import PiperTts

Tasks = list[dict[str, Any]]
TODAY = date.today()


def on(day: date) -> Callable[[dict[str, Any]], bool]:
    return lambda t: bool(t["due"]) and t["due"].startswith(day.isoformat())


def weekday(name: str) -> date:
    index = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].index(name)
    ahead = (index - TODAY.weekday()) % 7 or 7
    return TODAY + timedelta(days=ahead)


def added(words: str, *checks: Callable[[dict[str, Any]], bool]) -> Callable[[Tasks, str], bool]:
    def check(tasks: Tasks, _: str) -> bool:
        return any(words in t["title"].lower() and all(c(t) for c in checks) for t in tasks)

    return check


def says(*words: str) -> Callable[[Tasks, str], bool]:
    return lambda _, reply: all(w in reply.lower() for w in words)


def either(*checks: Callable[[Tasks, str], bool]) -> Callable[[Tasks, str], bool]:
    return lambda tasks, reply: any(c(tasks, reply) for c in checks)


def status_of(words: str, status: str) -> Callable[[Tasks, str], bool]:
    return lambda tasks, _: any(words in t["title"].lower() and t["status"] == status for t in tasks)


def gone(words: str) -> Callable[[Tasks, str], bool]:
    return lambda tasks, _: not any(words in t["title"].lower() for t in tasks)


def priority(level: str) -> Callable[[dict[str, Any]], bool]:
    return lambda t: t["priority"] == level


def at(hour: int, minute: int = 0) -> Callable[[dict[str, Any]], bool]:
    return lambda t: bool(t["due"]) and t["due"][11:16] == f"{hour:02d}:{minute:02d}"


@dataclass
class Case:
    request: str
    check: Callable[[Tasks, str], bool]
    setup: list[dict[str, Any]] = field(default_factory=list)


tomorrow = TODAY + timedelta(days=1)
CASES = [
    # Adding, with many phrasings, dates, times and priorities.
    Case("Add a task to buy milk.", added("buy milk")),
    Case("Add buy bread to my list.", added("bread")),
    Case("Remind me to call mom tomorrow.", added("call mom", on(tomorrow))),
    Case("Add a task to pay the rent tomorrow at 9 am.", added("pay the rent", on(tomorrow), at(9))),
    Case("Create a task to book flights next Friday.", added("book flights", on(weekday("friday")))),
    Case("Add a high priority task to finish the report.", added("finish the report", priority("high"))),
    Case("Add a task to water the plants with low priority.", added("water the plants", priority("low"))),
    Case("Add a new task: renew my passport on Monday.", added("renew my passport", on(weekday("monday")))),
    Case("Add a task to email Sarah at 3 pm tomorrow.", added("email sarah", on(tomorrow), at(15))),
    Case("Remind me to take out the trash tonight.", added("take out the trash", on(TODAY))),
    Case("Add pick up the kids at 5 pm today.", added("pick up the kids", on(TODAY), at(17))),
    Case("Add a task to schedule a dentist appointment.", added("dentist")),
    Case(
        "Please add a task to clean the garage on Saturday.",
        added("clean the garage", on(weekday("saturday"))),
    ),
    Case("Add a task to prepare slides for Wednesday.", added("prepare slides", on(weekday("wednesday")))),
    Case("Make a task to fix the bike.", added("fix the bike")),
    Case("New task: order printer ink.", added("printer ink")),
    # Listing and summaries.
    Case(
        "What's due tomorrow?",
        says("walk the dog"),
        [{"title": "walk the dog", "due": f"{tomorrow}T08:00:00"}],
    ),
    Case(
        "What do I have today?", says("send invoice"), [{"title": "send invoice", "due": f"{TODAY}T16:00:00"}]
    ),
    Case("List my tasks.", says("buy stamps"), [{"title": "buy stamps"}]),
    Case("Show me my to do list.", says("buy stamps")),
    Case(
        "What's on my list for Friday?",
        says("team lunch"),
        [{"title": "team lunch", "due": f"{weekday('friday')}T12:00:00"}],
    ),
    Case("Summarize my day.", says("send invoice")),
    Case("Give me a summary of today.", says("due")),
    Case("What tasks are due today?", says("send invoice")),
    # Completing.
    Case("Mark buy stamps as done.", status_of("buy stamps", "done")),
    Case("I finished walking the dog.", status_of("walk the dog", "done")),
    Case("Complete the task send invoice.", status_of("send invoice", "done")),
    Case("Tick off team lunch.", status_of("team lunch", "done")),
    Case("Mark fix the bike as complete.", status_of("fix the bike", "done")),
    # Rescheduling.
    Case("Reschedule call mom to Friday.", added("call mom", on(weekday("friday")))),
    Case("Move pay the rent to next Monday.", added("pay the rent", on(weekday("monday")))),
    Case("Change the dentist task to tomorrow at 10 am.", added("dentist", on(tomorrow), at(10))),
    Case("Push finish the report to Thursday.", added("finish the report", on(weekday("thursday")))),
    Case("Reschedule email Sarah to 4 pm tomorrow.", added("email sarah", on(tomorrow), at(16))),
    # Deleting, with spoken confirmation.
    Case("Delete the task buy bread.", says("really want to delete")),
    Case("Yes, delete buy bread.", gone("bread")),
    Case("Remove order printer ink.", says("really want to delete")),
    Case("Yes, remove order printer ink.", gone("printer ink")),
    # Edge cases and honest limits.
    Case("Complete the task fly to the moon.", says("couldn't")),
    Case("What's the weather like?", says("sorry")),
    Case("Thank you!", says("welcome")),
]
# Phrasings added later, reported on their own so the first set's numbers stay comparable. They
# run after it, on the list it leaves.
NEW_CASES = [
    Case("I need to buy eggs.", added("buy eggs")),
    Case("Don't let me forget to pay the water bill on Friday.", added("water bill", on(weekday("friday")))),
    Case("Put call the plumber on my list for tomorrow.", added("call the plumber", on(tomorrow))),
    Case("I have to pick up the dry cleaning at 6 pm.", added("dry cleaning", at(18))),
    Case("Remind me to call the bank at noon tomorrow.", added("call the bank", on(tomorrow), at(12))),
    Case(
        "What have I got on tomorrow?",
        says("car insurance"),
        [{"title": "renew car insurance", "due": f"{tomorrow}T10:00:00"}],
    ),
    Case(
        "What's on my plate today?",
        says("library books"),
        [{"title": "return library books", "due": f"{TODAY}T18:00:00"}],
    ),
    Case(
        "Anything due on Friday?",
        says("submit expenses"),
        [{"title": "submit expenses", "due": f"{weekday('friday')}T09:00:00"}],
    ),
    Case("What do I have to do today?", says("library books")),
    Case("Read me my to-do list.", says("shall i read"), [{"title": "wrap the presents"}]),
    # Reading on to the end takes one or two more turns, depending on how long the list is by now.
    Case("Yes, read the rest.", either(says("the next"), says("wrap the presents"))),
    Case("Keep going.", either(says("wrap the presents"), says("that's all"))),
    Case("Give me a rundown of my day.", says("for today")),
    Case("Cross off buy eggs.", status_of("buy eggs", "done")),
    Case("I'm done with the laundry.", status_of("laundry", "done"), [{"title": "do the laundry"}]),
    Case("Check off return library books.", status_of("library books", "done")),
    Case("Bump the plumber to Monday.", added("plumber", on(weekday("monday")))),
    Case("Postpone renew car insurance until Thursday.", added("car insurance", on(weekday("thursday")))),
    Case("Get rid of submit expenses.", says("really want to delete")),
    Case("Yes, get rid of submit expenses.", gone("submit expenses")),
]


async def run(text_only: bool) -> None:
    data = Path(tempfile.mkdtemp(prefix="realtalk-taskeval-"))
    server = LiveServer(data_dir=data, port=free_port(), env={}, extra_args=["--app", "task-manager"])
    server.start()
    tts = PiperTts()
    api = httpx.AsyncClient(
        base_url=f"{server.http_url}/apps/tasks/api", headers={"Authorization": f"Bearer {API_KEY}"}
    )
    url = f"ws://127.0.0.1:{server.port}/v1/realtime?model=eval"
    results: dict[str, list[tuple[int, str, str, str, bool]]] = {"first": [], "new": []}
    try:
        async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {API_KEY}"},
                                      max_size=None) as ws:  # fmt: skip
            await ws.send(json.dumps({"type": "session.update", "session": {"type": "realtime",
                "output_modalities": ["text"], "audio": {"input": {"turn_detection": None,
                "transcription": {"model": "whisper-1"}}}}}))  # fmt: skip
            for name, cases in (("first", CASES), ("new", NEW_CASES)):
                for number, case in enumerate(cases, 1):
                    for task in case.setup:
                        (await api.post("/tasks", json=task)).raise_for_status()
                    heard, reply = await turn(ws, tts, case.request, text_only)
                    ok = case.check((await api.get("/tasks")).json(), reply)
                    results[name].append((number, case.request, heard, reply, ok))
                    verdict = "PASS" if ok else "FAIL"
                    print(
                        f"{verdict} {name} {number:2d}. {case.request!r} heard {heard!r} -> {reply!r}",
                        flush=True,
                    )
    finally:
        server.stop()
    mode = "text" if text_only else "spoken"
    for name, outcomes in results.items():
        passed, total = sum(ok for *_, ok in outcomes), len(outcomes)
        print(f"\n{name} set: completed {passed}/{total} = {passed / total:.0%} ({mode} requests)")
        for number, request, heard, reply, ok in outcomes:
            if not ok:
                print(f"  failed {number}: {request!r} (heard {heard!r}) -> {reply!r}")


async def turn(ws: Any, tts: PiperTts, request: str, text_only: bool) -> tuple[str, str]:
    if text_only:
        heard = request
        item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": request}]}
        await ws.send(json.dumps({"type": "conversation.item.create", "item": item}))
    else:
        pcm = tts.synthesize(request).astype(np.float32) / 32768
        audio = (soxr.resample(pcm, tts.sample_rate, 24000) * 32767).astype("<i2").tobytes()
        silence = b"\0\0" * 24 * 300
        await ws.send(
            json.dumps(
                {
                    "type": "input_audio_buffer.append",
                    "audio": base64.b64encode(silence + audio + silence).decode(),
                }
            )
        )
        await ws.send(json.dumps({"type": "input_audio_buffer.commit"}))
        heard = ""
    await ws.send(json.dumps({"type": "response.create"}))
    reply = ""
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if event["type"] == "conversation.item.input_audio_transcription.completed":
            heard = event["transcript"]
        elif event["type"] == "response.output_text.delta":
            reply += event["delta"]
        elif event["type"] == "response.done":
            called = any(item["type"] == "function_call" for item in event["response"]["output"])
            if not called:
                return heard, reply.strip()
            reply = ""


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text", action="store_true", help="send the requests as text instead of speech")
    asyncio.run(run(parser.parse_args().text))

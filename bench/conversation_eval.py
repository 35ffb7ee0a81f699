"""The conversation evaluation set (bench/eval/) against a live server, typed or spoken.

Each case is a fresh Realtime conversation with the Task Manager or the Escape Room: its tasks are
set up through the REST API, the user's turns are sent as text or as speech, and the case passes
when the end state is what it expects (the task list, the tool calls made, what the agent said).
Spoken turns are synthesised by espeak-ng in voices that are not the agent's (one per case, in
turn), with light noise, and heard by the server's own Whisper.

Every tool call is checked against its JSON schema, and every question case against the task list
(a question never writes). `--llm-base-url` runs the same cases against an OpenAI-compatible
endpoint instead of the built-in brain (`--llm-timeout-s` for a slow local one); the summary counts
the replies the built-in brain gave after a fallback, from the server's /metrics, and times each
turn. Run from the repository root:

    python bench/conversation_eval.py --half dev|dev2|dev3|test|holdout [--spoken] \
        [--llm-base-url URL --llm-model M]

`--stt-readings 1 5` compares hearing by Whisper's greedy reading with choosing among its 5 best;
`--stt-second-model base` pools Whisper base's readings with tiny.en's. While iterating, `--ids ID
...` or `--limit N` (per app) run a subset, each case with its full run's voice and noise, and
`--cases FILE` keeps each case's turns, transcripts, replies and problems (JSON lines).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import calendar
import io
import json
import re
import subprocess
import sys
import tempfile
import time
import wave
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import numpy as np
import soxr
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live_server import API_KEY, LiveServer, free_port, scrape  # noqa: E402

from realtalk.apps import builtin_apps  # noqa: E402

EVAL = ROOT / "bench" / "eval"
VOICES = ("en-us+m3", "en-gb+f3", "en-us+f4", "en-gb-scotland+m5")
"""espeak-ng voices: none of them is the agent's Piper voice."""
SNR_DB = 20.0
REPLY_WAIT_S = 600
"""The longest wait for a server event: a local LLM on two cores can think for minutes."""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def day_of(token: str, today: date) -> date:
    """A date token of the set ("tomorrow", "-3d", "friday", "end_of_month") as a date."""
    if token == "today":
        return today
    if token == "tomorrow":
        return today + timedelta(days=1)
    if token == "yesterday":
        return today - timedelta(days=1)
    if token == "end_of_month":
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if re.fullmatch(r"[+-]\d+d", token):
        return today + timedelta(days=int(token[:-1]))
    ahead = (WEEKDAYS.index(token) - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def moment(token: str, today: date) -> tuple[date, str | None]:
    """ "friday 14:00" -> (that friday, "14:00")."""
    day, _, clock = token.partition(" ")
    return day_of(day, today), clock or None


def setup_task(spec: dict[str, Any], today: date) -> dict[str, Any]:
    task = dict(spec)
    if "due" in task:
        day, clock = moment(task["due"], today)
        task["due"] = f"{day.isoformat()}T{clock or '00:00'}:00"
    return task


@dataclass
class Outcome:
    case: dict[str, Any]
    heard: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    schema_violations: list[str] = field(default_factory=list)
    wrote: bool = False
    latencies: list[float] = field(default_factory=list)
    """Seconds from each `response.create` to the reply's last `response.done` (tool calls included)."""

    @property
    def passed(self) -> bool:
        return not self.problems


def check(case: dict[str, Any], outcome: Outcome, before: list[dict[str, Any]], after: list[dict[str, Any]],
          today: date) -> None:  # fmt: skip
    expect = case["expect"]
    problems = outcome.problems
    said = (outcome.replies[-1] if outcome.replies else "").lower()
    outcome.wrote = _state(before) != _state(after)
    for wanted in expect.get("tasks", []):
        if not any(_matches(task, wanted, today) for task in after):
            problems.append(f"no task like {wanted}")
    for words in expect.get("absent", []):
        if any(words in t["title"].lower() for t in after):
            problems.append(f"a task with {words!r} is still there")
    if "count" in expect and len(after) != expect["count"]:
        problems.append(f"{len(after)} tasks instead of {expect['count']}")
    if expect.get("unchanged") and outcome.wrote:
        problems.append("the task list changed")
    for words in expect.get("says", []):
        # A list is alternatives ("6" or "six"): any one of them will do.
        if not any(w.lower() in said for w in ([words] if isinstance(words, str) else words)):
            problems.append(f"did not say {words!r}")
    for words in expect.get("not_says", []):
        if words.lower() in said:
            problems.append(f"said {words!r}")
    if expect.get("asks") and "?" not in said:
        problems.append("did not ask")
    if "calls" in expect:
        made = [(name, args) for name, args in outcome.calls]
        wanted_calls = expect["calls"]
        fits = len(made) == len(wanted_calls) and all(
            name == w["name"] and all(args.get(k) == v for k, v in w.get("args", {}).items())
            for (name, args), w in zip(made, wanted_calls, strict=True)
        )
        if not fits:
            problems.append(f"calls {made} instead of {wanted_calls}")
    if expect.get("no_calls") and outcome.calls:
        problems.append(f"called {outcome.calls}")
    if outcome.schema_violations:
        problems.append("schema violated: " + "; ".join(outcome.schema_violations))


def _state(tasks: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(
        (t["id"], t["title"], t["due"], t["priority"], t["status"], tuple(t["tags"]), t["notes"])
        for t in tasks
    )


def _matches(task: dict[str, Any], wanted: dict[str, Any], today: date) -> bool:
    title = task["title"].lower()
    if wanted["title"].lower() not in title:
        return False
    if any(word in title for word in wanted.get("title_excludes", [])):
        return False
    if "due" in wanted:
        day, clock = moment(wanted["due"], today)
        if not task["due"] or task["due"][:10] != day.isoformat():
            return False
        if clock and task["due"][11:16] != clock:
            return False
    for key in ("priority", "status"):
        if key in wanted and task[key] != wanted[key]:
            return False
    if any(tag not in [t.lower() for t in task["tags"]] for tag in wanted.get("tags", [])):
        return False
    return wanted.get("notes", "").lower() in task["notes"].lower()


def speak(text: str, voice: str, seed: int) -> bytes:
    """`text` said by espeak-ng in `voice`, with white noise at `SNR_DB`, as 24 kHz PCM16."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "--stdout", text], capture_output=True,
                         check=True).stdout  # fmt: skip
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        pcm = np.frombuffer(reader.readframes(reader.getnframes()), "<i2").astype(np.float32) / 32768
    pad = np.zeros(int(rate * 0.3), np.float32)
    pcm = np.concatenate([pad, pcm, pad])
    power = float(np.mean(pcm**2)) or 1e-6
    noise = np.random.default_rng(seed).normal(0, np.sqrt(power / 10 ** (SNR_DB / 10)), pcm.size)
    mixed = soxr.resample((pcm + noise).astype(np.float32), rate, 24000)
    return (np.clip(mixed, -1, 1) * 32767).astype("<i2").tobytes()


class Runner:
    def __init__(self, server: LiveServer, app: str, spoken: bool, today: date) -> None:
        self.server = server
        self.app = app
        self.spoken = spoken
        self.today = today
        served = builtin_apps()[app]
        # The app's own tools and the handoffs to its agents: both are the session's tools.
        specs = [*served.tools.specs(), *(agent.handoff().tool for agent in served.agents)]
        self.schemas = {spec.name: spec.parameters for spec in specs}
        self.api = httpx.AsyncClient(
            base_url=f"{server.http_url}/apps/tasks/api", headers={"Authorization": f"Bearer {API_KEY}"}
        )

    async def tasks(self) -> list[dict[str, Any]]:
        if self.app != "task-manager":
            return []
        response = await self.api.get("/tasks")
        response.raise_for_status()
        return list(response.json())

    async def run(self, case: dict[str, Any], number: int, fixtures: dict[str, Any]) -> Outcome:
        if self.app == "task-manager":
            for task in await self.tasks():
                (await self.api.delete(f"/tasks/{task['id']}")).raise_for_status()
            setup = case.get("setup", [])
            for spec in fixtures[setup] if isinstance(setup, str) else setup:
                (await self.api.post("/tasks", json=setup_task(spec, self.today))).raise_for_status()
        before = await self.tasks()
        outcome = Outcome(case)
        url = f"ws://127.0.0.1:{self.server.port}/v1/realtime?model=eval"
        headers = {"Authorization": f"Bearer {API_KEY}"}
        async with websockets.connect(url, additional_headers=headers, max_size=None) as ws:
            transcription = {"model": "whisper-1", "language": "en"}
            audio = {"input": {"turn_detection": None, "transcription": transcription}}
            await ws.send(json.dumps({"type": "session.update", "session": {
                "type": "realtime", "output_modalities": ["text"], "audio": audio}}))  # fmt: skip
            turns = case["turns"] or [None]
            for index, text in enumerate(turns):
                voice = VOICES[number % len(VOICES)]
                await self.turn(ws, outcome, text, voice, seed=number * 10 + index)
        check(case, outcome, before, await self.tasks(), self.today)
        return outcome

    async def turn(self, ws: Any, outcome: Outcome, text: str | None, voice: str, seed: int) -> None:
        if text is not None and self.spoken:
            chunk = base64.b64encode(speak(text, voice, seed)).decode()
            await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": chunk}))
            await ws.send(json.dumps({"type": "input_audio_buffer.commit"}))
        elif text is not None:
            item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
            await ws.send(json.dumps({"type": "conversation.item.create", "item": item}))
        await ws.send(json.dumps({"type": "response.create"}))
        asked = time.perf_counter()
        reply = ""
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), REPLY_WAIT_S))
            if event["type"] == "conversation.item.input_audio_transcription.completed":
                outcome.heard.append(event["transcript"])
            elif event["type"] == "response.output_text.delta":
                reply += event["delta"]
            elif event["type"] == "response.done":
                calls = [item for item in event["response"]["output"] if item["type"] == "function_call"]
                for call in calls:
                    self.record(outcome, call["name"], call["arguments"])
                if not calls:
                    outcome.replies.append(reply.strip())
                    outcome.latencies.append(time.perf_counter() - asked)
                    return
                reply = ""

    def record(self, outcome: Outcome, name: str, arguments: str) -> None:
        try:
            args = json.loads(arguments or "{}")
        except ValueError:
            outcome.schema_violations.append(f"{name}: arguments are not JSON: {arguments!r}")
            args = {}
        schema = self.schemas.get(name)
        if schema is None:
            outcome.schema_violations.append(f"{name}: no such tool")
        else:
            errors = jsonschema.Draft202012Validator(schema).iter_errors(args)
            error = jsonschema.exceptions.best_match(errors)
            if error is not None:
                outcome.schema_violations.append(f"{name}({arguments}): {error.message}")
        outcome.calls.append((name, args if isinstance(args, dict) else {}))


def load(half: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A half's cases and the fixtures they may name. A half is a list of cases, or an object with
    its own `fixtures` (added to fixtures.json) and `cases`, so a held-out half shares nothing."""
    cases = json.loads((EVAL / f"{half}.json").read_text())
    fixtures = json.loads((EVAL / "fixtures.json").read_text())
    if isinstance(cases, dict):
        fixtures |= cases.get("fixtures", {})
        cases = cases["cases"]
    return cases, fixtures


def select(cases: list[dict[str, Any]], ids: list[str] | None, limit: int | None) -> list[dict[str, Any]]:
    """The cases named by `ids` (all when None), at most `limit` of each app: a subset to iterate on.
    Each case keeps its number within its app, so it gets the same voice and noise as in a full run."""
    chosen: list[dict[str, Any]] = []
    for app in ("task-manager", "escape-room"):
        numbered = [(number, case) for number, case in enumerate(c for c in cases if c["app"] == app)]
        picked = [(n, c) for n, c in numbered if ids is None or c["id"] in ids][:limit]
        chosen += [c | {"_number": n} for n, c in picked]
    return chosen


async def evaluate(half: str, spoken: bool, env: dict[str, str], apps: list[str],
                   ids: list[str] | None = None, limit: int | None = None,
                   ) -> tuple[list[Outcome], Counter[str]]:  # fmt: skip
    """The outcomes, and which brain served the replies and why an LLM was passed over (from each
    server's /metrics: a reply the built-in brain gave after a fallback is not the LLM's)."""
    cases, fixtures = load(half)
    cases = select(cases, ids, limit)
    today = date.today()
    outcomes: list[Outcome] = []
    brains: Counter[str] = Counter()
    for app in apps:
        data = Path(tempfile.mkdtemp(prefix="realtalk-conv-eval-"))
        server = LiveServer(data_dir=data, port=free_port(), env=env, extra_args=["--app", app])
        server.start()
        runner = Runner(server, app, spoken, today)
        try:
            for case in (c for c in cases if c["app"] == app):
                outcome = await runner.run(case, case["_number"], fixtures)
                outcomes.append(outcome)
                verdict = "PASS" if outcome.passed else "FAIL"
                heard = f" heard {outcome.heard}" if spoken else ""
                why = f"\n     {'; '.join(outcome.problems)}" if outcome.problems else ""
                print(f"{verdict} {case['id']} {case['turns']}{heard} -> {outcome.replies} "
                      f"calls {outcome.calls}{why}", flush=True)  # fmt: skip
            brains += served_and_fallbacks(scrape(server))
        finally:
            await runner.api.aclose()
            server.stop()
    return outcomes, brains


def served_and_fallbacks(samples: dict[str, float]) -> Counter[str]:
    """'served by B' and 'fallback: reason' counts from the server's brain metrics."""
    counts: Counter[str] = Counter()
    for key, value in samples.items():
        name, _, labels = key.partition("{")
        label = dict(pair.split("=", 1) for pair in labels.rstrip("}").split(",") if pair)
        if name == "realtalk_brain_replies_total":
            counts[f"served by {label['brain']}"] += int(value)
        elif name == "realtalk_brain_fallbacks_total":
            counts[f"fallback: {label['reason']}"] += int(value)
    return counts


def percentile(samples: list[float], q: float) -> float:
    """The `q` quantile of `samples` (nearest rank), 0 when there are none."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(half: str, mode: str, brain: str, outcomes: list[Outcome], brains: Counter[str]) -> dict[str, Any]:
    def rate(selected: list[Outcome]) -> str:
        passed = sum(o.passed for o in selected)
        return f"{passed}/{len(selected)} = {passed / len(selected):.0%}" if selected else "-"

    by_app = {app: [o for o in outcomes if o.case["app"] == app] for app in ("task-manager", "escape-room")}
    kinds = Counter(o.case["kind"] for o in outcomes)
    latencies = [seconds for o in outcomes for seconds in o.latencies]
    summary = {
        "half": half,
        "mode": mode,
        "brain": brain,
        "date": datetime.now().isoformat(timespec="minutes"),
        "all": rate(outcomes),
        **{app: rate(selected) for app, selected in by_app.items()},
        "by_kind": {kind: rate([o for o in outcomes if o.case["kind"] == kind]) for kind in sorted(kinds)},
        "questions_that_wrote": sum(o.wrote for o in outcomes if o.case["kind"] == "question"),
        "schema_violating_calls": sum(len(o.schema_violations) for o in outcomes),
        "brains": dict(sorted(brains.items())),
        "turn_ms_p50": round(1000 * percentile(latencies, 0.5)),
        "turn_ms_p95": round(1000 * percentile(latencies, 0.95)),
        "failed": [o.case["id"] for o in outcomes if not o.passed],
    }
    print(f"\n{half} half, {mode}, {brain} brain: {summary['all']} "
          f"(Task Manager {summary['task-manager']}, Escape Room {summary['escape-room']})")  # fmt: skip
    print(f"  by kind: {summary['by_kind']}")
    print(f"  questions that wrote: {summary['questions_that_wrote']}; "
          f"schema-violating calls: {summary['schema_violating_calls']}; "
          f"turn p50/p95 {summary['turn_ms_p50']}/{summary['turn_ms_p95']} ms; "
          f"brains {summary['brains']}")  # fmt: skip
    print(f"  failed: {' '.join(summary['failed']) or 'none'}")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    halves = sorted(p.stem for p in EVAL.glob("*.json") if p.stem != "fixtures")
    what = "a case file of bench/eval (dev2, dev3: tuning sets; holdout: never tuned on); both: dev and test"
    parser.add_argument("--half", choices=[*halves, "both"], default="dev", help=what)
    parser.add_argument("--spoken", action="store_true", help="speak the turns (espeak-ng, noise, Whisper)")
    parser.add_argument("--app", choices=["task-manager", "escape-room"], action="append")
    parser.add_argument("--llm-base-url", help="an OpenAI-compatible endpoint to evaluate instead")
    parser.add_argument("--llm-model", default="gpt-4o-mini")
    parser.add_argument("--llm-api-key")
    parser.add_argument(
        "--llm-timeout-s", type=float, help="REALTALK_LLM_TIMEOUT_S: a slow local model's first-token wait"
    )
    parser.add_argument("--stt-model", help="REALTALK_STT_MODEL for the server (e.g. base)")
    parser.add_argument("--stt-second-model", help="REALTALK_STT_SECOND_MODEL (base)")
    parser.add_argument(
        "--stt-readings",
        type=int,
        nargs="+",
        default=[0],
        metavar="N",
        help="REALTALK_STT_READINGS, a run each (1: greedy, Whisper's best alone)",
    )
    parser.add_argument("--ids", nargs="+", help="run only these cases (by id)")
    parser.add_argument("--limit", type=int, help="run at most this many cases of each app (a subset)")
    parser.add_argument("--json", type=Path, help="append the summaries to this JSON-lines file")
    parser.add_argument("--cases", type=Path, help="append each case's turns, transcripts and verdict here")
    args = parser.parse_args()
    env: dict[str, str] = {}
    if args.llm_base_url:
        env |= {"REALTALK_LLM_BASE_URL": args.llm_base_url, "REALTALK_LLM_MODEL": args.llm_model}
        if args.llm_api_key:
            env["REALTALK_LLM_API_KEY"] = args.llm_api_key
        if args.llm_timeout_s:
            env["REALTALK_LLM_TIMEOUT_S"] = str(args.llm_timeout_s)
    if args.stt_model:
        env["REALTALK_STT_MODEL"] = args.stt_model
    if args.stt_second_model:
        env["REALTALK_STT_SECOND_MODEL"] = args.stt_second_model
    brain = f"{args.llm_model} at {args.llm_base_url}" if args.llm_base_url else "built-in"
    apps = args.app or ["task-manager", "escape-room"]
    for readings in args.stt_readings:
        hearing = env | ({"REALTALK_STT_READINGS": str(readings)} if readings else {})
        mode = ("spoken" if args.spoken else "typed") + (f", {readings} reading(s)" if readings else "")
        for half in ("dev", "test") if args.half == "both" else (args.half,):
            outcomes, brains = asyncio.run(evaluate(half, args.spoken, hearing, apps, args.ids, args.limit))
            summary = report(half, mode, brain, outcomes, brains)
            if args.cases:
                with args.cases.open("a") as out:
                    for o in outcomes:
                        record = {"half": half, "mode": mode, "id": o.case["id"], "kind": o.case["kind"],
                                  "turns": o.case["turns"], "heard": o.heard, "replies": o.replies,
                                  "calls": o.calls, "problems": o.problems}  # fmt: skip
                        out.write(json.dumps(record) + "\n")
            if args.json:
                with args.json.open("a") as out:
                    out.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()

"""Voice under load: N callers talking to one server at once, heard as a listener would hear them.

Each caller opens a Realtime WebSocket and streams audio at real-time pace the whole time, as a
microphone does: silence, a LibriVox sentence, silence while it listens to the whole reply, a
pause, the next sentence. The brain is a fake OpenAI-compatible LLM on loopback
(`bench/fake_llm.py`: 100 ms to the first token, then a word every 10 ms, a long answer of five
sentences). Two patterns:

- realistic: callers start at random times in the first 5 s and pause 2-5 s between turns;
- simultaneous: every turn, all callers finish speaking within the same second.

Printed per number of callers (p50 / p95 over all turns):

- voice-to-voice: end of the user's speech (found offline in the clip) -> first reply audio;
- transcript: `speech_stopped` -> `input_audio_transcription.completed`;
- longest gap: the longest silence inside a reply for a listener that starts playing the first
  chunk on arrival and plays at real time (a chunk that arrives after the previous one has
  finished playing is a gap);
- CPU-seconds of the server process per turn, and the WER of the transcripts.

Run from the repo root: `python bench/load_voice.py` (starts a fake LLM and a server). With
`--baseline-src OTHER/src` the same runs also go against the code in OTHER (e.g. an export of
`main`), interleaved, and the ratios are printed; `--peer pipecat` does the same with a Pipecat
bot on the same models (`bench/pipecat_peer.py`). `--plot DIR` writes PNG curves there.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.voice_latency import speech_bounds_ms
from tests.live_server import API_KEY, LiveServer, start_server
from tests.realtime_client import pcm24k
from tests.speech_data import librivox_clips, load_wav_16k, word_error_rate

CHUNK_MS = 40
BYTES_PER_MS = 48  # 24 kHz PCM16
REPLY_TIMEOUT_S = 60.0


@dataclass
class Turn:
    reference: str
    speech_end: float
    """Wall-clock time the last sample of speech was sent (monotonic)."""
    stopped: float | None = None
    transcript_at: float | None = None
    transcript: str = ""
    first_audio: float | None = None
    longest_gap_ms: float = 0.0
    reply_s: float = 0.0
    """Reply audio received."""
    status: str = ""


@dataclass
class Caller:
    """One simulated caller: a microphone that never stops, and a listener with a clock."""

    ws: Any
    bytes_per_ms: ClassVar[int] = BYTES_PER_MS
    """Of the audio the microphone sends."""
    tape: bytearray = field(default_factory=bytearray)
    """Audio queued for the microphone; silence is sent whenever it is empty."""
    marks: list[tuple[int, asyncio.Future[float]]] = field(default_factory=list)
    """(byte offset in the stream, future): resolved with the time that byte was sent."""
    sent: int = 0
    events: asyncio.Queue[tuple[float, dict[str, Any]]] = field(default_factory=asyncio.Queue)

    def speech(self, clip: Clip) -> bytes:
        return clip.speech

    async def send_audio(self, chunk: bytes) -> None:
        await self.ws.send(json.dumps({"type": "input_audio_buffer.append",
                                       "audio": base64.b64encode(chunk).decode()}))  # fmt: skip

    async def microphone(self) -> None:
        step = CHUNK_MS * self.bytes_per_ms
        start = time.monotonic()
        chunks = 0
        while True:
            chunk = bytes(self.tape[:step])
            del self.tape[:step]
            chunk += b"\0" * (step - len(chunk))
            await self.send_audio(chunk)
            now = time.monotonic()
            self.sent += step
            for mark in [m for m in self.marks if m[0] <= self.sent]:
                self.marks.remove(mark)
                mark[1].set_result(now)
            chunks += 1
            await asyncio.sleep(max(0.0, start + chunks * CHUNK_MS / 1000 - time.monotonic()))

    async def ear(self) -> None:
        async for raw in self.ws:
            self.events.put_nowait((time.monotonic(), json.loads(raw)))

    def say(self, clip: Clip) -> asyncio.Future[float]:
        """Queue a clip; the future resolves when its end of speech has been sent."""
        end = asyncio.get_running_loop().create_future()
        offset = self.sent + len(self.tape) + int(clip.end_ms * self.bytes_per_ms)
        self.marks.append((offset, end))
        self.tape += self.speech(clip)
        return end

    def pause(self, ms: float) -> None:
        self.tape += b"\0" * (int(ms) * self.bytes_per_ms)  # whole samples

    async def listen(self, turn: Turn) -> float:
        """Follow one turn to its `response.done`; return when the listener has heard it all."""
        response_id: str | None = None
        play_at: float | None = None
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        seen: list[str] = []
        while True:
            try:
                at, event = await asyncio.wait_for(self.events.get(), max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                raise TimeoutError(f"no response.done for {response_id}; last events: {seen[-8:]}") from None
            kind = event["type"]
            seen.append(kind)
            if kind == "input_audio_buffer.speech_stopped" and turn.stopped is None:
                turn.stopped = at
            elif kind == "conversation.item.input_audio_transcription.completed":
                turn.transcript_at, turn.transcript = at, event["transcript"]
            elif kind == "response.created" and response_id is None:
                response_id = event["response"]["id"]
            elif kind == "response.output_audio.delta" and event["response_id"] == response_id:
                seconds = len(base64.b64decode(event["delta"])) / BYTES_PER_MS / 1000
                turn.reply_s += seconds
                if play_at is None:
                    turn.first_audio, play_at = at, at
                elif at > play_at:
                    turn.longest_gap_ms = max(turn.longest_gap_ms, (at - play_at) * 1000)
                    play_at = at
                play_at += seconds
            elif kind == "response.done" and event["response"]["id"] == response_id:
                turn.status = event["response"]["status"]
                return play_at or at
            elif kind == "error":
                print("  error:", event["error"].get("message"), file=sys.stderr)


@dataclass
class Clip:
    speech: bytes
    end_ms: float
    reference: str
    samples: np.ndarray
    """The speech at 16 kHz, float32."""


def load_clips() -> list[Clip]:
    clips = []
    for path, reference in librivox_clips():
        samples = load_wav_16k(path)
        _, end_ms = speech_bounds_ms(samples)
        clips.append(Clip(pcm24k(samples), end_ms, reference, samples))
    return clips


OpenCaller = Callable[[str], AbstractAsyncContextManager[Caller]]
"""Connects one caller to a server's URL, ready to speak."""


@asynccontextmanager
async def realtalk_caller(url: str) -> AsyncIterator[Caller]:
    async with websockets.connect(
        url, additional_headers={"Authorization": f"Bearer {API_KEY}"}, max_size=None
    ) as ws:
        update = {"type": "realtime", "audio": {"input": {"transcription": {"model": "whisper-1"}}}}
        await ws.send(json.dumps({"type": "session.update", "session": update}))
        yield Caller(ws)


async def run_caller(
    url: str,
    clips: list[Clip],
    turns: int,
    pattern: str,
    rng: random.Random,
    barrier: asyncio.Barrier,
    open_caller: OpenCaller = realtalk_caller,
) -> list[Turn]:
    async with open_caller(url) as caller:
        ear = asyncio.create_task(caller.ear())
        mic = asyncio.create_task(caller.microphone())
        done: list[Turn] = []
        longest = max(c.end_ms for c in clips)
        try:
            if pattern == "realistic":
                await asyncio.sleep(rng.uniform(0, 5))
            for number in range(turns):
                clip = clips[rng.randrange(len(clips))]
                if pattern == "simultaneous":
                    await asyncio.wait_for(barrier.wait(), REPLY_TIMEOUT_S * 2)
                    # Everyone's speech ends within the same second.
                    caller.pause(longest - clip.end_ms + rng.uniform(0, 1000))
                elif number:
                    caller.pause(rng.uniform(2000, 5000))
                end = caller.say(clip)
                turn = Turn(clip.reference, speech_end=0.0)
                listening = asyncio.create_task(caller.listen(turn))
                turn.speech_end = await end
                heard_all = await listening
                done.append(turn)
                await asyncio.sleep(max(0.0, heard_all - time.monotonic()))
        finally:
            for task in (mic, ear):
                if task.done() and task.exception() is not None:
                    print(f"  {task.get_coro()}: {task.exception()!r}", file=sys.stderr)
                task.cancel()
        return done


def cpu_seconds(pid: int) -> float:
    """User+system CPU of a process and its live children (a server that forks workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        if stat.parent.name == str(pid) or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Peer:
    """A voice server under test: where callers reach it, its process, and how they talk to it."""

    url: str
    pid: int
    open_caller: OpenCaller
    log_tail: Callable[[], str]


def realtalk_peer(server: LiveServer) -> Peer:
    assert server.process is not None
    url = server.base_url.replace("http", "ws") + "/realtime?model=realtalk"
    return Peer(url, server.process.pid, realtalk_caller, server.log_tail)


async def measure(peer: Peer, callers: int, turns: int, pattern: str, seed: int) -> dict[str, Any]:
    clips = load_clips()
    barrier = asyncio.Barrier(callers)
    cpu_before = cpu_seconds(peer.pid)
    results = await asyncio.gather(
        *(
            run_caller(peer.url, clips, turns, pattern, random.Random(seed + i), barrier, peer.open_caller)
            for i in range(callers)
        ),
        return_exceptions=True,
    )
    cpu = cpu_seconds(peer.pid) - cpu_before
    all_turns = [t for r in results if isinstance(r, list) for t in r]
    failures = [r for r in results if isinstance(r, BaseException)]
    for failure in failures[:3]:
        print(f"  caller failed: {failure!r}", file=sys.stderr)
    if failures:
        print(peer.log_tail(), file=sys.stderr)
    heard = [t for t in all_turns if t.first_audio is not None]
    v2v = [(t.first_audio - t.speech_end) * 1000 for t in heard if t.first_audio is not None]
    transcript = [(t.transcript_at - t.stopped) * 1000 for t in all_turns if t.transcript_at and t.stopped]
    gaps = [t.longest_gap_ms for t in heard]
    references, transcripts = [t.reference for t in all_turns], [t.transcript for t in all_turns]
    wer = word_error_rate(references, transcripts) if all_turns else float("nan")
    return {
        "callers": callers,
        "pattern": pattern,
        "turns": len(all_turns),
        "failed_callers": len(failures),
        "voice_to_voice_ms": _percentiles(v2v),
        "transcript_ms": _percentiles(transcript),
        "longest_gap_ms": _percentiles(gaps) | {"max": max(gaps, default=float("nan"))},
        "cpu_s_per_turn": cpu / max(1, len(all_turns)),
        "reply_s_per_turn": sum(t.reply_s for t in all_turns) / max(1, len(all_turns)),
        "wer": wer,
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan")}
    return {"p50": statistics.median(values), "p95": float(np.percentile(values, 95))}


def start(
    data: Path, fake_llm: str, src: str | None, paths: list[str] | None = None, **extra: str
) -> LiveServer:
    """A server on the fake LLM, running the code in `src` (else this checkout's), with `paths`
    first on its import path and `extra` in its environment."""
    env = {"REALTALK_LLM_BASE_URL": fake_llm, "REALTALK_LLM_MODEL": "fake"}
    # No admission control: every caller gets in, and the curves show what that costs.
    env |= {"REALTALK_MAX_SESSIONS": "0", "REALTALK_MAX_QUEUE_WAIT_MS": "0", "REALTALK_MAX_LOOP_LAG_MS": "0"}
    paths = [*(paths or []), *([str(Path(src).resolve())] if src is not None else [])]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return start_server(data, **env, **extra)


def show(label: str, row: dict[str, Any]) -> None:
    v, t, g = row["voice_to_voice_ms"], row["transcript_ms"], row["longest_gap_ms"]
    print(
        f"{label:9} {row['pattern']:12} N={row['callers']:2}  turns {row['turns']:3}"
        f"  v2v p50 {v['p50']:6.0f} p95 {v['p95']:6.0f} ms"
        f"  transcript p50 {t['p50']:5.0f} p95 {t['p95']:5.0f} ms"
        f"  gap p50 {g['p50']:5.0f} p95 {g['p95']:5.0f} max {g['max']:5.0f} ms"
        f"  CPU {row['cpu_s_per_turn']:.2f} s/turn  WER {row['wer']:.3f}"
        + (f"  FAILED callers {row['failed_callers']}" if row["failed_callers"] else ""),
        flush=True,
    )


def show_ratios(new: dict[str, Any], base: dict[str, Any]) -> None:
    def ratio(key: str, stat: str) -> float:
        return float(new[key][stat]) / max(1.0, float(base[key][stat]))

    cpu = new["cpu_s_per_turn"] / max(1e-9, base["cpu_s_per_turn"])
    print(
        f"  ratio {new['label']}/{base['label']}: v2v p50 {ratio('voice_to_voice_ms', 'p50'):.2f}"
        f" p95 {ratio('voice_to_voice_ms', 'p95'):.2f}  gap p95 {ratio('longest_gap_ms', 'p95'):.2f}"
        f"  CPU/turn {cpu:.2f}",
        flush=True,
    )


def show_long_answers(rows: list[dict[str, Any]]) -> None:
    """With the fake LLM's long answer, one caller's voice-to-voice is the long answer's first audio."""
    for row in rows:
        if row["callers"] == 1:
            target = " (target <= 700 ms)" if row["label"] == "realtalk" else ""
            print(
                f"long answer, 1 caller ({row['pattern']}), {row['label']}: first audio"
                f" {row['voice_to_voice_ms']['p50']:.0f} ms p50 after the end of speech{target}"
            )


def plot(rows: list[dict[str, Any]], out: Path, name: str = "load_voice") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    for pattern in sorted({r["pattern"] for r in rows}):
        figure, (latency, gaps) = plt.subplots(1, 2, figsize=(11, 4))
        for color, label in enumerate(sorted({r["label"] for r in rows})):
            mine = sorted((r for r in rows if r["label"] == label and r["pattern"] == pattern),
                          key=lambda r: r["callers"])  # fmt: skip
            n = [r["callers"] for r in mine]
            for key, style in (("p50", "-o"), ("p95", "--o")):
                line = {"color": f"C{color}", "label": f"{label} {key}"}
                latency.plot(n, [r["voice_to_voice_ms"][key] for r in mine], style, **line)
                gaps.plot(n, [r["longest_gap_ms"][key] for r in mine], style, **line)
            for row in (r for r in mine if r["failed_callers"]):
                failed = f"{label}: {row['failed_callers']} of {row['callers']} callers failed"
                latency.axvline(row["callers"], color=f"C{color}", linestyle=":", label=failed)
        latency.set(title=f"Voice-to-voice ({pattern})", xlabel="concurrent callers", ylabel="ms")
        gaps.set(title=f"Longest gap inside a reply ({pattern})", xlabel="concurrent callers", ylabel="ms")
        for axes in (latency, gaps):
            axes.grid(alpha=0.3)
            axes.legend()
        figure.tight_layout()
        figure.savefig(out / f"{name}_{pattern}.png", dpi=100)
        plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--turns", type=int, default=3, help="turns per caller")
    parser.add_argument("--patterns", nargs="+", default=["realistic", "simultaneous"])
    parser.add_argument(
        "--runs", nargs="+", metavar="PATTERN:CALLERS", help="these instead of every pattern x callers"
    )
    parser.add_argument("--baseline-src", help="also measure the server code in this src/ directory")
    parser.add_argument("--peer", choices=["pipecat"], help="also measure this other framework's bot")
    parser.add_argument("--pipecat-compute-type", default="int8", help="the Pipecat bot's Whisper's")
    parser.add_argument("--json", type=Path, help="write every row here")
    parser.add_argument("--plot", type=Path, help="write PNG curves into this directory")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    fake = str(Path(__file__).with_name("fake_llm.py"))
    llm = subprocess.Popen([sys.executable, fake], stdout=subprocess.PIPE)
    assert llm.stdout is not None
    fake_llm = llm.stdout.readline().decode().strip()
    peers: dict[str, Peer] = {}
    rows: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as running:
            server = start(Path(tmp) / "new", fake_llm, None)
            running.callback(server.stop)
            peers["realtalk"] = realtalk_peer(server)
            if args.baseline_src:
                base = start(Path(tmp) / "base", fake_llm, args.baseline_src)
                running.callback(base.stop)
                peers["baseline"] = realtalk_peer(base)
            if args.peer == "pipecat":
                from bench.pipecat_peer import start_pipecat

                peers["pipecat"] = running.enter_context(
                    start_pipecat(Path(tmp) / "pipecat", fake_llm, args.pipecat_compute_type)
                )
            for peer in peers.values():  # a server's first turn pays one-off costs: not measured
                asyncio.run(measure(peer, 1, 1, "simultaneous", args.seed))
            runs = [(p, n) for p in args.patterns for n in args.callers]
            if args.runs:
                runs = [(p, int(n)) for p, n in (run.split(":") for run in args.runs)]
            for pattern, callers in runs:
                for label, peer in peers.items():  # interleaved: all see the same machine load
                    row = asyncio.run(measure(peer, callers, args.turns, pattern, args.seed))
                    row["label"] = label
                    rows.append(row)
                    show(label, row)
                for other in rows[-len(peers) + 1 :] if len(peers) > 1 else []:
                    show_ratios(rows[-len(peers)], other)
    finally:
        llm.kill()
    show_long_answers(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if args.plot:
        plot(rows, args.plot, f"load_voice_{args.peer}" if args.peer else "load_voice")


if __name__ == "__main__":
    main()

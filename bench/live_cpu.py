"""Where a turn's CPU goes in the live server: `bench/load_voice.py`'s callers, with probes inside.

The server runs with `bench/cpu_probe` on its PYTHONPATH, which counts every engine call and its
CPU (`bench/cpu_probe/bench_probe.py`) and the CPU of each kind of thread. Each configuration is
measured as in `bench/load_voice.py` (same callers, clips, fake LLM, metrics); per turn it prints
the server's CPU split by thread kind and by component, how much speech Piper synthesised against
what the callers received, and voice-to-voice and WER beside it. With `--baseline-src OTHER/src`
the same runs also go against that code, interleaved. `--py-spy DIR` also samples the server's
Python stacks (py-spy, if installed) into DIR, one collapsed-stack file per run, and prints
where the event loop's samples fall.

Run from the repo root: `python bench/live_cpu.py --turns 2 --runs realistic:1 realistic:8`.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import load_voice
from bench.load_voice import Peer, measure, realtalk_peer
from tests.live_server import LiveServer

PROBE_DIR = Path(__file__).with_name("cpu_probe")


def start(data: Path, fake_llm: str, src: str | None, probe_out: Path) -> LiveServer:
    """`load_voice`'s server, with the probe (`cpu_probe/sitecustomize.py`) loaded into it."""
    return load_voice.start(data, fake_llm, src, [str(PROBE_DIR)], REALTALK_PROBE_OUT=str(probe_out))


def snapshot(pid: int, out: Path) -> dict[str, Any]:
    """Ask the server's probe for its counters and wait for them."""
    before = out.stat().st_mtime_ns if out.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if out.exists() and out.stat().st_mtime_ns != before:
            return dict(json.loads(out.read_text()))
        time.sleep(0.05)
    raise TimeoutError("the server's probe wrote no snapshot")


def difference(after: dict[str, Any], before: dict[str, Any], turns: int) -> dict[str, Any]:
    """Counters per turn between two snapshots."""

    def per_turn(new: dict[str, float], old: dict[str, float]) -> dict[str, float]:
        return {key: (value - old.get(key, 0.0)) / turns for key, value in new.items()}

    return {
        "threads": per_turn(after["threads"], before["threads"]),
        "page_faults": per_turn(after["page_faults"], before["page_faults"]),
        "components": {
            name: per_turn(row, before["components"].get(name, {}))
            for name, row in after["components"].items()
        },
        "repeated_texts": (after["repeated_texts"] - before["repeated_texts"]) / turns,
        "memory_mb": after["memory_mb"],
    }


@contextlib.contextmanager
def sampled(pid: int, out: Path | None, native: bool = False) -> Iterator[None]:
    """py-spy samples the server's Python threads into `out` while the block runs."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if out is None or spy is None:
        yield
        return
    command = [spy, "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "--threads"]
    # Native stacks need the process paused while sampled; Python stacks do not.
    command += ["--output", str(out)] + (["--native"] if native else ["--nonblocking"])
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)


CATEGORIES = (
    # (what a sample is charged to, a frame that marks it), first match from the leaf up wins.
    ("Silero VAD", "silero_vad.py"),
    ("Smart Turn", "smart_turn.py"),
    ("resampling", "convert.py"),
    ("input audio (VAD loop, levels, buffer)", "input_audio.py"),
    ("JSON decode + validation", "client_events.py"),
    ("JSON decode + validation", "json_decode.py"),
    ("session other", "/session/"),
    ("metrics + tracing", "metrics.py"),
    ("metrics + tracing", "tracing.py"),
    ("metrics + tracing", "opentelemetry"),
    ("transport (websocket + send buffer)", "/transports/"),
    ("server calls", "/server/"),
    ("LLM client (httpx/openai)", "openai_compat.py"),
    ("LLM client (httpx/openai)", "/httpx"),
    ("LLM client (httpx/openai)", "/openai/"),
    ("websockets / uvicorn", "/websockets/"),
    ("websockets / uvicorn", "/uvicorn/"),
    ("asyncio", "/asyncio/"),
)


def summarise(raw: Path) -> dict[str, int]:
    """Samples of the event loop (MainThread) per category, from py-spy's collapsed stacks."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not frames or "MainThread" not in frames[0]:
            continue
        category = next(
            (name for frame in reversed(frames) for name, mark in CATEGORIES if mark in frame), "other"
        )
        counts[category] += int(count)
    return dict(counts.most_common())


def show(label: str, row: dict[str, Any]) -> None:
    v = row["voice_to_voice_ms"]
    print(
        f"\n{label} {row['pattern']} N={row['callers']}: {row['turns']} turns,"
        f" CPU {row['cpu_s_per_turn']:.2f} s/turn,"
        f" v2v p50 {v['p50']:.0f} p95 {v['p95']:.0f} ms, WER {row['wer']:.3f},"
        f" reply audio received {row['reply_s_per_turn']:.1f} s/turn",
        flush=True,
    )
    probe = row["probe"]
    threads = sorted(probe["threads"].items(), key=lambda kv: -kv[1])
    print("  threads (CPU-s/turn): " + ", ".join(f"{k} {v:.3f}" for k, v in threads if v > 0.0005))
    faults = sorted(probe["page_faults"].items(), key=lambda kv: -kv[1])
    print("  minor page faults per turn: " + ", ".join(f"{k} {v:.0f}" for k, v in faults if v >= 1))
    for name, c in sorted(probe["components"].items()):
        extra = "".join(
            f"  {key} {c[key]:.2f}"
            for key in ("cpu_s", "audio_s", "utterances", "wall_s", "page_faults")
            if key in c
        )
        print(f"  {name:20} calls/turn {c['calls']:7.2f}{extra}")
    print(f"  texts synthesised again (per turn): {probe['repeated_texts']:.2f}")
    memory = probe["memory_mb"]
    print(f"  resident memory after the run: {memory['rss']:.0f} MB (peak so far {memory['peak']:.0f} MB)")
    if row.get("loop_samples"):
        total = sum(row["loop_samples"].values())
        print(
            "  event loop samples: "
            + ", ".join(f"{k} {100 * n / total:.0f}%" for k, n in row["loop_samples"].items())
        )


def markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as one table, a column per server and number of callers (docs/benchmarks.md)."""

    def component(row: dict[str, Any], name: str, key: str = "cpu_s") -> float:
        return float(row["probe"]["components"].get(name, {}).get(key, 0.0))

    def thread(row: dict[str, Any], kind: str) -> float:
        return float(row["probe"]["threads"].get(kind, 0.0))

    def sends(row: dict[str, Any]) -> float:
        return sum(c["calls"] for name, c in row["probe"]["components"].items() if name.startswith("sent "))

    lines: list[tuple[str, Any]] = [
        ("CPU per turn, whole process (s)", lambda r: f"**{r['cpu_s_per_turn']:.2f}**"),
        ("Piper (s)", lambda r: f"{component(r, 'piper'):.2f}"),
        (
            "… speech synthesised / received by the caller (audio-s)",
            lambda r: f"{component(r, 'piper', 'audio_s'):.1f} / {r['reply_s_per_turn']:.1f}",
        ),
        (
            "… pieces synthesised / speculative / from the phrase cache",
            lambda r: (
                f"{component(r, 'piper', 'calls'):.1f} / {component(r, 'piece speculative', 'calls'):.1f}"
                f" / {component(r, 'phrase cache hit', 'calls'):.1f}"
            ),
        ),
        ("… page faults in synthesis", lambda r: f"{component(r, 'piper', 'page_faults'):,.0f}"),
        (
            "Whisper, n-best beam 5 (s; runs)",
            lambda r: f"{component(r, 'whisper n-best'):.2f}; {component(r, 'whisper n-best', 'calls'):.2f}",
        ),
        (
            "Whisper, greedy (s; runs)",
            lambda r: f"{component(r, 'whisper greedy'):.2f}; {component(r, 'whisper greedy', 'calls'):.2f}",
        ),
        ("Smart Turn (runs)", lambda r: f"{component(r, 'smart turn', 'calls'):.1f}"),
        (
            "Silero VAD (s; frames)",
            lambda r: f"{component(r, 'silero'):.2f}; {component(r, 'silero', 'calls'):.0f}",
        ),
        (
            "Event loop without Silero: WebSocket frames, JSON, base64, resampling, session (s)",
            lambda r: f"{thread(r, 'event loop') - component(r, 'silero'):.2f}",
        ),
        (
            "… WebSocket messages sent (audio deltas)",
            lambda r: f"{sends(r):.0f} ({component(r, 'sent response.output_audio.delta', 'calls'):.0f})",
        ),
        (
            "Inference workers / CTranslate2 threads (s)",
            lambda r: f"{thread(r, 'inference workers'):.2f} / {thread(r, 'native (python)'):.2f}",
        ),
        (
            "voice-to-voice p50 / p95 (ms)",
            lambda r: f"{r['voice_to_voice_ms']['p50']:.0f} / {r['voice_to_voice_ms']['p95']:.0f}",
        ),
        ("WER", lambda r: f"{r['wer']:.3f}"),
    ]
    head = [f"{r['label']}, {r['pattern']} {r['callers']}" for r in rows]
    out = ["| Per turn | " + " | ".join(head) + " |", "|---|" + "---|" * len(rows)]
    out += ["| " + " | ".join([name, *(cell(r) for r in rows)]) + " |" for name, cell in lines]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", nargs="+", default=["realistic:1", "realistic:8"], metavar="PATTERN:CALLERS"
    )
    parser.add_argument("--turns", type=int, default=2, help="turns per caller")
    parser.add_argument("--baseline-src", help="also measure the server code in this src/ directory")
    parser.add_argument("--py-spy", type=Path, help="sample the server's stacks into this directory")
    parser.add_argument("--native", action="store_true", help="py-spy: native frames too (slower)")
    parser.add_argument("--json", type=Path, help="write every row here")
    parser.add_argument(
        "--from-json", type=Path, help="print the table of an earlier run's rows, run nothing"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.from_json:
        print(markdown(json.loads(args.from_json.read_text())))
        return

    fake = str(Path(__file__).with_name("fake_llm.py"))
    llm = subprocess.Popen([sys.executable, fake], stdout=subprocess.PIPE)
    assert llm.stdout is not None
    fake_llm = llm.stdout.readline().decode().strip()
    rows: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as running:
            peers: dict[str, tuple[Peer, Path]] = {}
            for label, src in (("realtalk", None), ("baseline", args.baseline_src)):
                if label == "baseline" and src is None:
                    continue
                out = Path(tmp) / f"{label}.json"
                server = start(Path(tmp) / label, fake_llm, src, out)
                running.callback(server.stop)
                peers[label] = (realtalk_peer(server), out)
            for peer, _ in peers.values():  # a server's first turn pays one-off costs: not measured
                asyncio.run(measure(peer, 1, 1, "simultaneous", args.seed))
            if args.py_spy:
                args.py_spy.mkdir(parents=True, exist_ok=True)
            for pattern, callers in ((p, int(n)) for p, n in (run.split(":") for run in args.runs)):
                for label, (peer, out) in peers.items():
                    before = snapshot(peer.pid, out)
                    spy = args.py_spy / f"{label}-{pattern}-{callers}.txt" if args.py_spy else None
                    with sampled(peer.pid, spy, args.native):
                        row = asyncio.run(measure(peer, callers, args.turns, pattern, args.seed))
                    after = snapshot(peer.pid, out)
                    row |= {"label": label, "probe": difference(after, before, max(1, row["turns"]))}
                    row["probe"]["threads"]["all (process)"] = row["cpu_s_per_turn"]
                    if spy is not None and spy.exists():
                        row["loop_samples"] = summarise(spy)
                    rows.append(row)
                    show(label, row)
    finally:
        llm.kill()
    print("\n" + markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

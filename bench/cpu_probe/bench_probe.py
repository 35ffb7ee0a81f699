"""CPU probes inside a live RealTalk server (`bench/live_cpu.py`): what each engine call cost.

The server's code runs unchanged; `install()` wraps engine methods at class level before the
engines load. SIGUSR1 writes a snapshot to `$REALTALK_PROBE_OUT` (JSON, written then renamed):

- per component (Piper, Whisper greedy / n-best, Silero, Smart Turn, the phrase cache): calls,
  CPU-seconds, audio-seconds in or out; Piper's speculative pieces and texts synthesised more than once;
- per thread kind (the event loop, the inference workers, `asyncio.to_thread` workers, native
  threads no Python code runs on): CPU-seconds from `/proc/self/task`.

Piper, Silero and Smart Turn run their ONNX sessions on the calling thread (one intra-op thread),
so `time.thread_time()` around a call is its CPU. CTranslate2 (Whisper) computes on native
threads; Whisper calls are exclusive in the scheduler, so the CPU of the native threads during a
Whisper call, plus the calling thread's, is that call's.
"""

from __future__ import annotations

import collections
import functools
import itertools
import json
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_stats: dict[str, dict[str, float]] = collections.defaultdict(lambda: collections.defaultdict(float))
_texts: collections.Counter[str] = collections.Counter()
_inside = threading.local()
_python_tids: set[int] = set()
_TICK = os.sysconf("SC_CLK_TCK")


def _add(component: str, **values: float) -> None:
    with _lock:
        row = _stats[component]
        row["calls"] += 1
        for key, value in values.items():
            row[key] += value


def _threads() -> dict[int, tuple[str, float, int]]:
    """tid -> (comm, CPU-seconds, minor page faults) of every thread of this process."""
    out = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            raw = (task / "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        out[int(task.name)] = (comm, (int(fields[11]) + int(fields[12])) / _TICK, int(fields[7]))
    return out


def _refresh_python_tids() -> None:
    _python_tids.clear()
    _python_tids.update(t.native_id for t in threading.enumerate() if t.native_id is not None)


def _native_cpu() -> float:
    """CPU-seconds of the threads no Python code runs on (CTranslate2's, ONNX Runtime's pools)."""
    _refresh_python_tids()
    return sum(cpu for tid, (_, cpu, _) in _threads().items() if tid not in _python_tids)


def _timed(
    component: str, measure: Callable[..., dict[str, float]], native: bool = False, every: int = 1
) -> Callable[..., Any]:
    """Wrap a method: CPU of the calling thread (plus the native threads', for Whisper) and
    whatever `measure(result, *args, **kwargs)` reads off the call; nested calls count once.
    With `every` > 1 only every `every`-th call is timed (reading a thread's CPU clock costs
    about as much as a VAD frame) and the CPU is scaled up."""
    calls = itertools.count()

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if getattr(_inside, "busy", False):
                return method(*args, **kwargs)
            if next(calls) % every:
                result = method(*args, **kwargs)
                _add(component, **measure(result, *args, **kwargs))
                return result
            _inside.busy = True
            native_before = _native_cpu() if native else 0.0
            cpu, wall = time.thread_time(), time.monotonic()
            faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
            try:
                result = method(*args, **kwargs)
            finally:
                _inside.busy = False
            faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - faults
            cpu = time.thread_time() - cpu
            if native:
                cpu += _native_cpu() - native_before
            wall = time.monotonic() - wall
            measured = measure(result, *args, **kwargs)
            _add(component, cpu_s=cpu * every, wall_s=wall * every, page_faults=faults * every, **measured)
            return result

        return timed

    return wrap


def _patch(cls: type, name: str, decorator: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    setattr(cls, name, decorator(getattr(cls, name)))


def install() -> None:
    from realtalk.engines import phrase_cache, piper_tts, silero_vad, smart_turn, whisper_stt
    from realtalk.session import reply
    from realtalk.transports import send_buffer

    def tts_out(pcm: Any, tts: Any, text: str, **_: Any) -> dict[str, float]:
        with _lock:
            _texts[text] += 1
        return {"audio_s": len(pcm) / tts.sample_rate, "chars": len(text)}

    def stt_in(results: Any, _self: Any, utterances: Any) -> dict[str, float]:
        return {"utterances": len(utterances), "audio_s": sum(len(u.audio) for u in utterances) / 16000}

    def nbest_in(_result: Any, _self: Any, audio: Any, **_: Any) -> dict[str, float]:
        return {"audio_s": len(audio) / 16000}

    _patch(piper_tts.PiperTts, "synthesize", _timed("piper", tts_out))
    _patch(whisper_stt.WhisperStt, "transcribe_many", _timed("whisper greedy", stt_in, native=True))
    _patch(whisper_stt.WhisperStt, "transcribe_nbest", _timed("whisper n-best", nbest_in, native=True))
    _patch(silero_vad.SileroVadStream, "speech_probability", _timed("silero", lambda *a, **k: {}, every=16))
    _patch(smart_turn.SmartTurn, "completion_probability", _timed("smart turn", lambda *a, **k: {}))

    get = phrase_cache.PhraseCache.get

    def cached(self: Any, text: str, voice: Any, speed: float) -> Any:
        audio = get(self, text, voice, speed)
        _add("phrase cache hit" if audio is not None else "phrase cache miss")
        return audio

    phrase_cache.PhraseCache.get = cached  # type: ignore[method-assign]

    synthesise_piece = reply.ReplyStream._synthesise_piece

    async def piece(self: Any, text: str) -> Any:
        speculative = self.speculative
        pcm = await synthesise_piece(self, text)
        _add("piece speculative" if speculative else "piece", audio_s=len(pcm) / self._tts.sample_rate)
        return pcm

    reply.ReplyStream._synthesise_piece = piece  # type: ignore[method-assign]

    taken = reply.ReplyStream.audio

    async def played(self: Any, spoken: Any) -> Any:
        pcm = await taken(self, spoken)
        _add("piece played", audio_s=len(pcm) / self._tts.sample_rate)
        return pcm

    reply.ReplyStream.audio = played  # type: ignore[method-assign]
    put = send_buffer.SendBuffer.put

    def sent(self: Any, event: dict[str, Any]) -> None:
        put(self, event)
        _add(f"sent {event.get('type')}")

    send_buffer.SendBuffer.put = sent  # type: ignore[method-assign]
    signal.signal(signal.SIGUSR1, lambda *_: _dump())


def _kind(name: str) -> str:
    if name == "MainThread":
        return "event loop"
    if name.startswith("inference-"):
        return "inference workers"
    if name.startswith("asyncio_"):
        return "to_thread workers"
    return name.rstrip("0123456789-_")


def _memory_mb() -> dict[str, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {name: int(fields[key].split()[0]) / 1024 for name, key in (("rss", "VmRSS"), ("peak", "VmHWM"))}


def _dump() -> None:
    names = {t.native_id: t.name for t in threading.enumerate()}
    threads: dict[str, float] = collections.defaultdict(float)
    faults: dict[str, float] = collections.defaultdict(float)
    for tid, (comm, cpu, minflt) in _threads().items():
        kind = _kind(names[tid]) if tid in names else f"native ({comm})"
        threads[kind] += cpu
        faults[kind] += minflt
    with _lock:
        snapshot = {
            "process_cpu_s": time.process_time(),
            "threads": threads,
            "page_faults": faults,
            "components": {k: dict(v) for k, v in _stats.items()},
            "repeated_texts": sum(n - 1 for n in _texts.values() if n > 1),
            "memory_mb": _memory_mb(),
            "distinct_texts": len(_texts),
        }
    out = Path(os.environ["REALTALK_PROBE_OUT"])
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(snapshot))
    tmp.replace(out)

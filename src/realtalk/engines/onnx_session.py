"""ONNX Runtime sessions for RealTalk's small CPU models, sized to share the machine."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort


def cpu_session(model_path: Path | str, *, threads: int, mem_arena: bool = True) -> ort.InferenceSession:
    """A CPU session on `threads` intra-op threads, one graph at a time, warnings and up only.

    ONNX Runtime would otherwise take every core; the engines are sized to share them
    (`engines/loader.py`). `mem_arena=False` trades a little speed for memory handed back.
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = mem_arena
    return ort.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])

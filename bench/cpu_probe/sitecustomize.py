"""Loads `bench_probe` into the server `bench/live_cpu.py` starts (this directory is on that
server's PYTHONPATH, and `$REALTALK_PROBE_OUT` is set for it alone)."""

import os

if os.environ.get("REALTALK_PROBE_OUT"):
    import bench_probe

    bench_probe.install()

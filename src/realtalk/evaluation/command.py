"""`realtalk eval`: run a scenario against a server, print the table, write the HTML report."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from .metrics import text_table
from .report import write_report
from .runner import CaseResult, run_scenario
from .scenario import ScenarioError, load_scenario


def realtime_url(base: str, model: str) -> str:
    """The WebSocket URL of the Realtime endpoint under a server's base URL."""
    base = base.rstrip("/").removesuffix("/v1")
    if base.startswith("http"):
        base = "ws" + base[4:]
    return f"{base}/v1/realtime?model={model}"


def _key(given: str | None) -> str:
    key = given or os.environ.get("REALTALK_EVAL_KEY")
    if key:
        return key
    stored = Path("data/api_key")
    if stored.is_file():
        return stored.read_text(encoding="utf-8").strip()
    raise SystemExit("realtalk eval: no API key (--key, REALTALK_EVAL_KEY or data/api_key)")


def run_eval(args: argparse.Namespace) -> int:
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        print(f"realtalk eval: {exc}", file=sys.stderr)
        return 2
    unknown = [c for c in args.config or [] if c not in scenario.configs]
    if unknown:
        print(f"realtalk eval: no configuration named {', '.join(unknown)}", file=sys.stderr)
        return 2

    def progress(result: CaseResult) -> None:
        stages = "  ".join(f"{k} {v:.0f} ms" for k, v in result.stages.items())
        status = result.error or ", ".join(f"{k}={v}" for k, v in result.outcome.items() if k != "transcript")
        print(f"  {result.case.id:28s} {result.config:16s} {status}  {stages}", flush=True)

    results = asyncio.run(
        run_scenario(
            scenario,
            realtime_url(args.url, args.model),
            _key(args.key),
            split=args.split,
            configs=args.config,
            progress=progress,
        )
    )
    print()
    print(text_table(results))
    write_report(results, args.report, f"realtalk eval: {scenario.path.name}")
    print(f"\nreport: {args.report}")
    return 1 if results and all(r.error for r in results) else 0

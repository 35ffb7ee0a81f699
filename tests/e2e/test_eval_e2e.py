"""`realtalk eval` against a real server: it plays recorded speech, prints the table, writes the report."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import API_KEY, LiveServer
from tests.speech_data import cards_clips, speech_data_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not speech_data_available(), reason="needs pocketsphinx-testdata (scripts/setup.sh --dev)"
    ),
]


def test_eval_command_measures_a_turn_and_noise(server: LiveServer, tmp_path: Path) -> None:
    clip, words = cards_clips()[0]
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        "configs:\n"
        "  window: {audio: {input: {turn_detection: {type: server_vad}}}}\n"
        "cases:\n"
        f"  - {{id: said, kind: complete, audio: {clip}, transcript: {words}}}\n"
        "  - {id: hum, kind: noise, duration_ms: 2000, noise: {type: hum, snr_db: 10}}\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.html"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "realtalk",
            "eval",
            str(scenario),
            "--url",
            server.http_url,
            "--key",
            API_KEY,
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert re.search(r"false turn starts, noise alone\s+\d+\.\d\d/min \(n=1\)", run.stdout)
    assert re.search(r"voice-to-voice p50, complete\s+\d+ ms \(n=1\)", run.stdout)
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3  # stage distributions and one timeline per case
    assert "said · window" in page and "hum · window" in page


def test_eval_command_reports_a_bad_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.json"
    scenario.write_text('{"cases": [{"id": "x", "kind": "complete"}]}', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "realtalk", "eval", str(scenario), "--key", "k"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "case x: 'audio' is required" in run.stderr

"""Third-party Realtime clients against a live RealTalk, each run as a subprocess in its own
environment (scripts/setup_compat.sh installs them, pinned; the fixtures run it when missing)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from realtalk.storage.store import ConversationStore
from tests.live_server import LiveServer, start_server
from tests.realtime_client import pcm24k, silence
from tests.speech_data import librivox_clips, load_wav_16k

ROOT = Path(__file__).parents[2]
CLIENTS = Path(__file__).with_name("clients")
NODE = Path(__file__).with_name("node")
SPOKEN = librivox_clips()[1][1]  # "he was not an ill disposed young man"


@pytest.fixture(scope="session")
def compat_clients() -> None:
    """The pinned clients, installed once per change of their pins (a no-op when up to date)."""
    subprocess.run([ROOT / "scripts" / "setup_compat.sh"], check=True, timeout=900)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for every client (models load once); each client's test reads the newest
    conversation, its own, since the clients run one after another."""
    live = start_server(tmp_path_factory.mktemp("realtalk-compat"))
    yield live
    live.stop()


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real recorded speech as 24 kHz PCM16, with silence around it for server VAD.

    LiveKit and @openai/agents-realtime ask for `semantic_vad`, whose turn may wait up to 4 s in
    a pause (eagerness medium, OpenAI's maximum) when it sounds unfinished; the silence after the
    speech covers that wait, as a live microphone that keeps streaming would."""
    path = tmp_path_factory.mktemp("speech") / "speech.pcm"
    path.write_bytes(silence(300) + pcm24k(load_wav_16k(librivox_clips()[1][0])) + silence(4500))
    return path


def run_client(command: list[str | Path], server: LiveServer, timeout: float = 180) -> dict[str, Any]:
    """Run one client script; its last stdout line is a JSON object of what it saw."""
    run = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-4000:] + server.log_tail()
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def stored_items(server: LiveServer) -> list[list[dict[str, Any]]]:
    """The items of every stored conversation, oldest conversation first (the server's side)."""
    with ConversationStore(f"sqlite:///{server.data_dir / 'realtalk.db'}") as store:
        conversations = sorted(store.list_conversations(), key=lambda c: c.created_at)
        return [store.load_items(c.id) for c in conversations]

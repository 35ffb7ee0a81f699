from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import LiveServer, serving, start_server
from tests.twilio_peer import AUTH_TOKEN


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for the module's tests (models load once)."""
    live = start_server(tmp_path_factory.mktemp("realtalk-e2e"), REALTALK_TWILIO_AUTH_TOKEN=AUTH_TOKEN)
    yield live
    live.stop()


@pytest.fixture(scope="package")
def tool_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with the sample server-side tools, for the tools and the chat tests."""
    with serving(tmp_path_factory.mktemp("tools"), "--tools", "tests.tools.sample_tools:tools") as live:
        yield live

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import LiveServer, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for the module's tests (models load once)."""
    live = start_server(tmp_path_factory.mktemp("realtalk-e2e"))
    yield live
    live.stop()

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import LiveServer, serving


@pytest.fixture(scope="package")
def task_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One Task Manager server for the REST, voice and page tests (models load once); the tests
    look for their own tasks, whatever else the list holds."""
    with serving(tmp_path_factory.mktemp("tasks"), "--app", "task-manager") as live:
        yield live

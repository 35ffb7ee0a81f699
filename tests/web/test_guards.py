"""The sign-in throttle and the refusal log, with a clock we move by hand."""

from __future__ import annotations

import logging

import pytest

from realtalk.server.auth import RefusalLog
from realtalk.server.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sign_in_backoff_doubles_after_the_free_tries_and_resets_on_success() -> None:
    clock = Clock()
    throttle = LoginThrottle(free_failures=3, max_delay_s=10, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("a") == 0
        throttle.failed("a")
    assert throttle.retry_after("a") == 0, "the free tries cost nothing"
    waits = []
    for _ in range(6):
        throttle.failed("a")
        waits.append(throttle.retry_after("a"))
        clock.now += waits[-1]
    assert waits == [1, 2, 4, 8, 10, 10], "doubling, capped"
    assert throttle.retry_after("b") == 0, "per address"
    throttle.succeeded("a")
    throttle.failed("a")
    assert throttle.retry_after("a") == 0


def test_sign_in_throttle_remembers_a_bounded_number_of_addresses() -> None:
    throttle = LoginThrottle(free_failures=0, max_clients=100, clock=Clock())
    for n in range(10_000):
        throttle.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(throttle._records) == 100
    assert throttle.retry_after("10.0.39.15") > 0, "the most recent are kept"
    throttle.failed("x")
    for _ in range(2000):  # no overflow however long the guessing goes on
        throttle.failed("x")
    assert throttle.retry_after("x") == throttle.max_delay_s


def test_refusals_are_logged_once_a_window_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    refusals = RefusalLog(window_s=60, clock=clock)
    with caplog.at_level(logging.INFO, logger="realtalk.server.auth"):
        for n in range(500):
            refusals.refused("a WebSocket", "10.0.0.1", f"invalid_api_key {n}")
        assert len(caplog.records) == 1
        clock.now += 61
        refusals.refused("a WebSocket", "10.0.0.2", "invalid_api_key")
    messages = [record.getMessage() for record in caplog.records]
    assert all(record.levelno == logging.INFO for record in caplog.records)
    assert len(messages) == 3
    assert "499 more" in messages[1] and "10.0.0.2" in messages[2]

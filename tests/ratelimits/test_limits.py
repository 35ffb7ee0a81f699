"""Per-key limits over both counter stores: in memory, and a real `redis-server`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from realtalk.ratelimits.counters import Counters
from realtalk.ratelimits.memory_counters import MemoryCounters
from realtalk.ratelimits.policy import LimitsConfig, RateLimiter, key_id
from realtalk.ratelimits.redis_counters import RedisCounters
from realtalk.server.capacity import Refusal
from tests.redis_server import redis_server


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def counters(request: pytest.FixtureRequest, redis_url: str) -> AsyncIterator[Counters]:
    store: Counters
    if request.param == "memory":
        store = MemoryCounters()
    else:
        store = RedisCounters(Redis.from_url(redis_url))
        await store._redis.flushdb()  # type: ignore[attr-defined]
    yield store
    await store.close()


async def test_counters_add_and_read(counters: Counters, limiters: list[RateLimiter]) -> None:
    assert await counters.get("a") == 0
    assert await counters.add("a", 2, 60) == 2
    assert await counters.add("a", 0.5, 60) == 2.5
    assert await counters.add("a", -1, 60) == 1.5
    assert await counters.get("a") == 1.5
    assert await counters.get("b") == 0


async def test_leases_expire_unless_refreshed(counters: Counters, limiters: list[RateLimiter]) -> None:
    """A live session is a lease: one whose node died (no more refreshes) stops counting."""
    assert await counters.hold("live", "a", 1) == 1
    assert await counters.hold("live", "b", 30) == 2
    assert await counters.hold("live", "a", 1) == 2, "refreshing a lease does not count it twice"
    await asyncio.sleep(1.2)
    assert await counters.live("live") == 1, "a's node stopped refreshing it"
    await counters.drop("live", "b")
    assert await counters.live("live") == 0
    await counters.drop("live", "b")  # dropping twice is harmless


@pytest.fixture
async def limiters() -> AsyncIterator[list[RateLimiter]]:
    """Every limiter a test makes is closed after it, so no lease refresher outlives the test."""
    made: list[RateLimiter] = []
    yield made
    for made_limiter in made:
        await made_limiter.close()


def limiter(counters: Counters, clock: Clock, made: list[RateLimiter], **limits: float) -> RateLimiter:
    config = LimitsConfig.model_validate({"default": limits})
    made.append(RateLimiter(config, counters, clock=clock))
    return made[-1]


async def test_sessions_per_minute_refused_with_exact_retry_after(
    counters: Counters, limiters: list[RateLimiter]
) -> None:
    clock = Clock(60 * 16_666 + 20.0)  # 20 s into a minute
    rl = limiter(counters, clock, limiters, sessions_per_minute=2)
    for _ in range(2):
        await rl.start_session("k")
    with pytest.raises(Refusal) as refused:
        await rl.start_session("k")
    assert (refused.value.status, refused.value.code) == (429, "rate_limit_exceeded")
    assert refused.value.retry_after_s == 40
    assert "2 sessions per minute" in refused.value.message
    await rl.start_session("other")  # another key has its own count
    clock.now += 40  # the next minute
    await rl.start_session("k")
    limits = {entry["name"]: entry for entry in await rl.rate_limits("k")}
    assert limits["requests"]["limit"] == 2 and limits["requests"]["remaining"] == 1


async def test_concurrent_sessions_are_released(counters: Counters, limiters: list[RateLimiter]) -> None:
    rl = limiter(counters, Clock(5.0), limiters, concurrent_sessions=1)
    end = await rl.start_session("k")
    with pytest.raises(Refusal, match="1 sessions at once"):
        await rl.start_session("k")
    with pytest.raises(Refusal):
        await rl.check("k")
    await end()
    await rl.check("k")
    await rl.start_session("k")


async def test_daily_budgets(counters: Counters, limiters: list[RateLimiter]) -> None:
    clock = Clock(86_400 * 100 + 3600)  # 01:00 UTC
    rl = limiter(counters, clock, limiters, tokens_per_day=100, audio_minutes_per_day=1)
    await rl.charge("k", tokens=60, audio_s=30)
    await rl.check_budgets("k")
    tokens = (await rl.rate_limits("k"))[0]
    assert tokens == {"name": "tokens", "limit": 100, "remaining": 40, "reset_seconds": 82_800.0}
    await rl.charge("k", tokens=40)
    with pytest.raises(Refusal, match="100 tokens") as refused:
        await rl.start_session("k")
    assert refused.value.retry_after_s == 82_800
    await rl.charge("j", audio_s=61)
    with pytest.raises(Refusal, match="1 audio minutes"):
        await rl.check("j")
    clock.now += 82_800  # a new day
    await rl.start_session("k")
    await rl.check("j")


def test_config_names_keys_by_secret_or_id(tmp_path: pytest.TempPathFactory) -> None:
    text = '{"default": {"tokens_per_day": 5}, "keys": {"sk-one": {"concurrent_sessions": 1}}}'
    config = LimitsConfig.load(text, ["sk-one"])
    assert config.for_key(key_id("sk-one")).concurrent_sessions == 1
    assert config.for_key(key_id("sk-two")).tokens_per_day == 5
    assert "sk-one" not in str(config.keys)
    path = tmp_path / "limits.json"  # type: ignore[operator]
    path.write_text(text)
    assert LimitsConfig.load(str(path), []).keys["sk-one"].concurrent_sessions == 1
    with pytest.raises(ValueError, match="extra"):
        LimitsConfig.load('{"default": {"tokens_a_day": 5}}', [])

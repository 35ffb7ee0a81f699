"""Counters in Redis (`REALTALK_REDIS_URL`): every node sharing the Redis shares the limits."""

from __future__ import annotations

from redis.asyncio import Redis

PREFIX = "realtalk:limits:"


class RedisCounters:
    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(url)

    async def add(self, key: str, amount: float, ttl_s: int) -> float:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrbyfloat(PREFIX + key, amount)
            # GT: a key already kept longer (a concurrency count) keeps its later expiry.
            pipe.expire(PREFIX + key, ttl_s, gt=True)
            pipe.expire(PREFIX + key, ttl_s, nx=True)
            total, _, _ = await pipe.execute()
        return float(total)

    async def get(self, key: str) -> float:
        value = await self._redis.get(PREFIX + key)
        return float(value) if value is not None else 0.0

    async def close(self) -> None:
        await self._redis.aclose()

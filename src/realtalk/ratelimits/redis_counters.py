"""Counters in Redis (`REALTALK_REDIS_URL`): every node sharing the Redis shares the limits.

Leases are a sorted set scored by expiry time (the nodes' clocks must roughly agree, as NTP keeps
them)."""

from __future__ import annotations

import time

from redis.asyncio import Redis

PREFIX = "realtalk:limits:"


class RedisCounters:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

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

    async def hold(self, key: str, member: str, ttl_s: int) -> int:
        now = time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(PREFIX + key, {member: now + ttl_s})
            pipe.zremrangebyscore(PREFIX + key, "-inf", now)
            pipe.zcard(PREFIX + key)
            # The set outlives its longest lease (GT keeps a later expiry; NX sets a first one).
            pipe.expire(PREFIX + key, ttl_s, gt=True)
            pipe.expire(PREFIX + key, ttl_s, nx=True)
            _, _, live, _, _ = await pipe.execute()
        return int(live)

    async def drop(self, key: str, member: str) -> None:
        await self._redis.zrem(PREFIX + key, member)

    async def live(self, key: str) -> int:
        return int(await self._redis.zcount(PREFIX + key, time.time(), "+inf"))

    async def close(self) -> None:
        await self._redis.aclose()

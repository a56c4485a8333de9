"""Short-lived Redis locks so background work runs once across worker processes.

A lock is a key holding this worker's token with an expiry. The holder renews it while the
work runs; if the holder dies, the lock expires and another worker may take over. Renewal
and release only touch the key while it still holds our token.
"""

from __future__ import annotations

import secrets
from typing import Any

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLock:
    """One named lock; ``token`` identifies this holder."""

    def __init__(self, redis: Any, name: str, *, ttl_ms: int = 15_000) -> None:
        self.redis = redis
        self.name = name
        self.ttl_ms = ttl_ms
        self.token = secrets.token_hex(8)

    async def acquire(self) -> bool:
        """Take the lock if nobody holds it (or keep it if we do)."""
        if await self.renew():
            return True
        return bool(await self.redis.set(self.name, self.token, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        """Extend our hold; ``False`` if we do not hold the lock."""
        return bool(await self.redis.eval(_RENEW, 1, self.name, self.token, self.ttl_ms))

    async def release(self) -> None:
        await self.redis.eval(_RELEASE, 1, self.name, self.token)

    async def held_by_anyone(self) -> bool:
        return bool(await self.redis.exists(self.name))

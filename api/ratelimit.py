"""The per-token rate limit of /api/v1: a token bucket per credential, kept in this process."""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time

from starlette.requests import Request

from core.accounts import auth
from core.platform.errors import PetitionDeskError
from i18n import t

RATE_ENV = "PETITION_DESK_API_RATE"  # requests per minute per token; the bucket holds as many


class RateLimited(PetitionDeskError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class TokenBuckets:
    """Each key gets `per_minute` requests at once and `per_minute / 60` more every second."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens left, when last filled)

    def take(self, key: str, per_minute: int) -> None:
        """Take one request from the key's bucket or raise RateLimited with the seconds until the next."""
        rate, now = per_minute / 60.0, time.monotonic()
        with self._lock:
            left, then = self._buckets.get(key, (float(per_minute), now))
            left = min(float(per_minute), left + (now - then) * rate)
            if left < 1.0:
                self._buckets[key] = (left, now)
                wait = max(1, math.ceil((1.0 - left) / rate))
                raise RateLimited(t("api.v1.rate_limited", seconds=wait), retry_after=wait)
            self._buckets[key] = (left - 1.0, now)
            if len(self._buckets) > 10_000:  # forget the idle: a full bucket is the same as none
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}


BUCKETS = TokenBuckets()


def per_minute() -> int:
    """Return the requests a token may make per minute (PETITION_DESK_API_RATE, default 600)."""
    try:
        return max(1, int(os.environ.get(RATE_ENV, "600")))
    except ValueError:
        return 600


def limit(request: Request) -> None:
    """Count the request against its credential (the bearer token, else the session cookie)."""
    credential = request.headers.get("authorization") or request.cookies.get(auth.SESSION_COOKIE) or ""
    key = hashlib.sha256(credential.encode("utf-8", "surrogatepass")).hexdigest()
    BUCKETS.take(key, per_minute())

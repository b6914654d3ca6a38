"""Counting attempts per client in a store every worker shares: comments sent, failed sign-ins.

One store for the whole site (PORTAL_RATELIMIT_STORAGE_URL, Redis with several workers or
machines), read through the `limits` library's moving window, whose Redis implementation takes
and checks a slot in one atomic step: forty requests at once against a limit of twenty get twenty
through, not twenty-two. An in-memory store is counted per process, so with more than one
gunicorn worker every limit would be multiplied by the number of workers: start-up refuses that.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Hashable
from functools import lru_cache

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from portal.config import ConfigError


def init_app(app: Flask) -> None:
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith("memory://"):
        workers = gunicorn_workers()
        if workers > 1:
            raise ConfigError(
                f"gunicorn runs {workers} workers but rate limits and sign-in lockouts are "
                "counted in memory, separately in each worker, so every limit would be "
                f"multiplied by {workers}. Set PORTAL_RATELIMIT_STORAGE_URL to a store the "
                "workers share, e.g. redis://127.0.0.1:6379/0, or run one worker (-w 1)."
            )
    store = storage_from_string(uri, **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
    app.extensions["portal_throttle"] = MovingWindowRateLimiter(store)


def gunicorn_workers() -> int:
    """How many workers the gunicorn serving this process runs; 1 outside gunicorn.

    gunicorn names itself in SERVER_SOFTWARE for its workers; the count is read the way gunicorn
    reads it (command line, GUNICORN_CMD_ARGS, a config file, WEB_CONCURRENCY).
    """
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        return 1
    try:
        from gunicorn.app.wsgiapp import WSGIApplication  # type: ignore[import-untyped]

        class _Settings(WSGIApplication):
            def chdir(self) -> None:  # reading the settings must not move the process
                pass

        cwd = os.getcwd()
        try:
            return int(_Settings().cfg.workers)
        finally:
            os.chdir(cwd)
    except (Exception, SystemExit):  # noqa: BLE001 - an unusual launcher: fall back below
        args = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
        for flag in ("-w", "--workers"):
            if flag in args[:-1]:
                return int(args[args.index(flag) + 1])
        return int(os.environ.get("WEB_CONCURRENCY", "1"))


def _limiter() -> MovingWindowRateLimiter:
    limiter: MovingWindowRateLimiter = current_app.extensions["portal_throttle"]
    return limiter


@lru_cache(maxsize=64)
def _item(limit: str) -> RateLimitItem:
    return parse(limit)  # a handful of limits, parsed once each


def _key(*parts: Hashable) -> list[str]:
    return [str(current_app.config.get("RATELIMIT_KEY_PREFIX", "")), *map(str, parts)]


def seconds_left(limit: str, *key: Hashable) -> int:
    """0 when another attempt fits in the limit, else how many seconds until one does."""
    item = _item(limit)
    if _limiter().test(item, *_key(*key)):
        return 0
    return _wait(item, *key)


def spend(limit: str, *key: Hashable) -> int:
    """Take one attempt, atomically: 0 when it fit, else the seconds until one will."""
    item = _item(limit)
    if _limiter().hit(item, *_key(*key)):
        return 0
    return _wait(item, *key)


def forget(limit: str, *key: Hashable) -> None:
    _limiter().clear(_item(limit), *_key(*key))


def _wait(item: RateLimitItem, *key: Hashable) -> int:
    import time

    reset = _limiter().get_window_stats(item, *_key(*key)).reset_time
    return max(1, int(reset - time.time()) + 1)

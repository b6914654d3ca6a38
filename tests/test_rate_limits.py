"""Comment submissions are rate limited per client address, shared by workers through Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from portal import create_app
from tests.conftest import csrf_token, valid_comment

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        return False


@pytest.fixture()
def workers(app: Flask) -> Iterator[Callable[[str, str], Flask]]:
    """App instances as separate gunicorn workers would have; their pools close after."""
    made: list[Flask] = []

    def make(storage: str, prefix: str) -> Flask:
        worker = create_app(
            {
                **app.config,
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_SUBMIT": "2 per hour",
                "RATELIMIT_STORAGE_URI": storage,
                "RATELIMIT_KEY_PREFIX": prefix,
            }
        )
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.extensions["portal_engine"].dispose()


def _send(app: Flask, slug: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    client = app.test_client()
    url = f"/{lang}/periods/{slug}/comment"
    return client.post(url, data={**valid_comment(), "csrf_token": csrf_token(client, url)})


@pytest.mark.skipif(not _redis_available(), reason="no Redis on this machine")
def test_limit_is_shared_between_workers_through_redis(workers, open_period) -> None:  # type: ignore[no-untyped-def]
    prefix = f"test-{uuid.uuid4().hex}"
    first, second = (workers(REDIS_URL, prefix) for _ in range(2))
    assert _send(first, open_period.slug).status_code == 303
    assert _send(second, open_period.slug).status_code == 303
    refused = _send(first, open_period.slug, lang="es")
    assert refused.status_code == 429
    assert "Demasiadas solicitudes" in refused.get_data(as_text=True)


def test_form_errors_do_not_use_up_the_limit(workers, open_period) -> None:  # type: ignore[no-untyped-def]
    limited = workers("memory://", "mem")
    client = limited.test_client()
    url = f"/en/periods/{open_period.slug}/comment"
    for _ in range(3):
        bad = client.post(
            url, data={**valid_comment(body=""), "csrf_token": csrf_token(client, url)}
        )
        assert bad.status_code == 422
    assert _send(limited, open_period.slug).status_code == 303

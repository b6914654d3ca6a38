"""Configuration from the environment: a secret key is required outside development."""

from __future__ import annotations

import pytest
from flask import Flask

from portal import create_app
from portal.config import ConfigError


def test_secret_key_required_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY is not set"):
        create_app()


def test_secret_key_and_database_from_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PORTAL_SECRET_KEY", "s3cret-from-env")
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "s3cret-from-env"
    assert app.config["DATABASE_URL"].endswith("x.sqlite3")


def test_default_database_is_sqlite_file_under_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "development")
    app = create_app()
    assert app.config["DATABASE_URL"].startswith("sqlite:///")
    assert "/instance/portal.sqlite3" in app.config["DATABASE_URL"]


def test_client_address_and_scheme_behind_a_proxy(
    monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    proxied = create_app({**app.config, "PROXY_COUNT": 1})

    @proxied.get("/_whoami")
    def whoami() -> dict[str, str]:
        from flask import request

        return {"addr": request.remote_addr or "", "scheme": request.scheme}

    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    seen = proxied.test_client().get("/_whoami", headers=headers).get_json()
    assert seen == {"addr": "203.0.113.7", "scheme": "https"}
    plain = app.test_client()
    app.get("/_whoami")(whoami)
    seen = plain.get("/_whoami", headers=headers).get_json()
    assert seen["addr"] != "203.0.113.7" and seen["scheme"] == "http"

"""Where composed messages go: an SMTP server (PORTAL_SMTP_URL), or in development and tests
without one, `.eml` files in a folder (PORTAL_MAIL_DIR, instance/mail/ by default).

`smtp://user:password@host:587?starttls=1` uses STARTTLS, `smtps://host:465` SSL from the first
byte; user and password are optional and URL-encoded. A failure says whether trying again can
help: a 5xx reply (an address refused, a message rejected) cannot, a closed connection can.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTPUTF8
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from portal.config import ConfigError

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30.0


class MailError(Exception):
    """A message was not sent; `permanent` when sending it again cannot help."""

    def __init__(self, text: str, permanent: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    ssl: bool = False
    starttls: bool = False
    user: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(
            f"PORTAL_SMTP_URL must look like smtp://user:password@host:587?starttls=1 or "
            f"smtps://host:465, not {parts.scheme or '(nothing)'}://…"
        )
    query = parse_qs(parts.query)
    secure = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if secure else 25),
        ssl=secure,
        starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


class SmtpTransport:
    """One connection, opened on the first message and kept for the ones after it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if s.ssl:
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT_SECONDS,
                                          context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
            if s.starttls:
                connection.starttls(context=context)
        if s.user:
            connection.login(s.user, s.password)
        return connection

    def send(self, message: EmailMessage) -> None:
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            raise MailError(_describe(exc.recipients),
                            permanent=all(code >= 500 for code in codes)) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise MailError(f"the mail server cannot take this address: {exc}",
                            permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(
                exc.smtp_error, bytes) else str(exc.smtp_error)
            raise MailError(f"{exc.smtp_code} {text}", permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def _describe(refused: dict[str, Any]) -> str:
    return "; ".join(
        f"{address}: {code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
        for address, (code, text) in refused.items()
    )


class FolderTransport:
    """Development: each message is a .eml file named by its outbox id (sending twice writes
    the same file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = (message["X-Portal-Outbox-Id"] or "message").strip()
        path = self.folder / f"{name.zfill(8)}.eml"
        path.write_bytes(message.as_bytes(policy=SMTPUTF8))
        log.warning("mail to %s written to %s (no PORTAL_SMTP_URL)", message["To"], path)

    def close(self) -> None:
        pass


class NoTransport:
    """Production without PORTAL_SMTP_URL: every message waits, with this error shown."""

    def send(self, message: EmailMessage) -> None:
        raise MailError("PORTAL_SMTP_URL is not set: no mail server to send to")

    def close(self) -> None:
        pass


def from_config(config: dict[str, Any]) -> Transport:
    if config.get("SMTP_URL"):
        return SmtpTransport(parse_smtp_url(config["SMTP_URL"]))
    if config.get("MAIL_DEV_FILES"):
        return FolderTransport(Path(config["MAIL_DIR"]))
    return NoTransport()

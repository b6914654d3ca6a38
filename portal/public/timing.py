"""How long the comment form was open before it was sent: a signed time in a hidden field.

A person needs at least several seconds to read the form and fill it in; software posts at once,
or posts without ever loading the form. The time the form was shown travels signed (itsdangerous,
with the app's secret key), so it cannot be forged or moved back. A comment sent too soon is
stored, receipted and flagged like any other, never refused: people paste fast, and a flag costs
a moderator a glance while a refusal would lose a comment.
"""

from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner

SALT = "comment-form-shown"


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=SALT)


def stamp() -> str:
    """The value of the hidden field when the form is shown."""
    return _signer().sign(b"shown").decode("ascii")


def seconds_open(token: str | None) -> float | None:
    """Seconds since the form carrying token was shown; None if the token is missing or forged."""
    if not token:
        return None
    try:
        _, signed_at = _signer().unsign(token, return_timestamp=True)
    except BadSignature:
        return None
    return time.time() - signed_at.timestamp()


def too_fast(token: str | None) -> bool:
    """Sent sooner than a person could have filled the form in, or without a valid time."""
    opened = seconds_open(token)
    return opened is None or opened < current_app.config["FORM_MIN_SECONDS"]

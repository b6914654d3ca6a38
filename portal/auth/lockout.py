"""Failed sign-ins slow down the address that makes them, never the account everywhere.

Failures are counted in the shared store (portal/throttle.py) per address and email together, and
per address alone: five wrong passwords for one email from one address, or many for any emails
from one address, make that address wait; the same person signs in from another address as
usual, so an attacker cannot lock a staff member out. The email is counted whether or not an
account has it, and a refused attempt costs one password hash like any other, so a locked,
wrong or unknown email give the same status, text and work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from portal import throttle
from portal.models import AuditAction
from portal.models.types import utcnow
from portal.services import accounts, audit

PER_ACCOUNT_AND_ADDRESS = f"{accounts.MAX_FAILURES} per 15 minutes"
PER_ADDRESS = "25 per 15 minutes"


@dataclass(frozen=True)
class Attempt:
    result: accounts.SignInResult
    wait_until: datetime | None = None  # set when this address must wait before trying again
    retry_after: int = 0  # the same wait in seconds


def _keys(email: str, ip: str) -> list[tuple[str, tuple[str, ...]]]:
    email = accounts.normalize_email(email)
    return [(PER_ACCOUNT_AND_ADDRESS, ("signin-failed", ip, email)),
            (PER_ADDRESS, ("signin-failed", ip))]


def _waiting(email: str, ip: str, spend: bool) -> int:
    count = throttle.spend if spend else throttle.seconds_left
    return max(count(limit, *key) for limit, key in _keys(email, ip))


def sign_in(session: Session, email: str, password: str, ip: str) -> Attempt:
    wait = _waiting(email, ip, spend=False)
    if wait:
        accounts.check_nothing(password)  # the same work as a real check
        audit.record(session, audit.Actor(label=accounts.normalize_email(email)[:320], ip=ip),
                     AuditAction.SIGNIN_LOCKED, "user", "")
        return Attempt(accounts.SignInResult(user=None), utcnow() + timedelta(seconds=wait), wait)
    result = accounts.authenticate(session, email, password, ip=ip)
    if result.user is not None:
        limit, key = _keys(email, ip)[0]
        throttle.forget(limit, *key)
        return Attempt(result)
    _waiting(email, ip, spend=True)
    wait = _waiting(email, ip, spend=False)
    return Attempt(result, utcnow() + timedelta(seconds=wait) if wait else None, wait)

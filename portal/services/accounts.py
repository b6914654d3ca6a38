"""Staff accounts: creation, roles, password checks with lockout after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import AuditAction, Role, User
from portal.models.types import utcnow
from portal.services import audit

MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so that a wrong email costs as much time as
    a wrong password and does not reveal which accounts exist. Made on first use: hashing costs
    a third of a second that a process which signs nobody in (a command, an export) need not
    pay at start."""
    return _hasher.hash("not-a-real-password-for-timing")


class AccountError(ValueError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def create_user(
    session: Session, email: str, password: str, role: str, actor: audit.Actor = audit.CLI
) -> User:
    email = normalize_email(email)
    if "@" not in email:
        raise AccountError("give an email address")
    code = _role(role)
    if by_email(session, email):
        raise AccountError(f"{email} already has an account")
    validate_password(password)
    user = User(email=email, password_hash=_hasher.hash(password), role=code, active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor, AuditAction.USER_CREATE, "user", user.id,
                 after={"email": email, "role": code})
    return user


def _role(role: str) -> Role:
    code = Role.parse(role)
    if code is None:
        raise AccountError(f"role must be one of {', '.join(Role)}")
    return code


def _existing(session: Session, email: str) -> User:
    user = by_email(session, email)
    if user is None:
        raise AccountError(f"no account for {email}")
    return user


def end_sessions(user: User) -> None:
    """Every session cookie of the account stops opening pages (they carry the old version)."""
    user.session_version = (user.session_version or 0) + 1


def end_all_sessions(session: Session, email: str, actor: audit.Actor = audit.CLI) -> User:
    user = _existing(session, email)
    end_sessions(user)
    audit.record(session, actor, AuditAction.USER_END_SESSIONS, "user", user.id)
    return user


def set_password(session: Session, email: str, password: str,
                 actor: audit.Actor = audit.CLI) -> User:
    user = _existing(session, email)
    validate_password(password)
    user.password_hash = _hasher.hash(password)
    end_sessions(user)
    audit.record(session, actor, AuditAction.USER_SET_PASSWORD, "user", user.id)
    return user


def set_role(session: Session, email: str, role: str, actor: audit.Actor = audit.CLI) -> User:
    user = _existing(session, email)
    code = _role(role)
    before = user.role
    user.role = code
    if code is not before:
        end_sessions(user)
    audit.record(session, actor, AuditAction.USER_SET_ROLE, "user", user.id,
                 before={"role": before}, after={"role": code})
    return user


def set_active(session: Session, email: str, active: bool, actor: audit.Actor = audit.CLI) -> User:
    user = _existing(session, email)
    before = user.active
    user.active = active
    if not active:
        end_sessions(user)
    action = AuditAction.USER_ENABLE if active else AuditAction.USER_DISABLE
    audit.record(session, actor, action, "user", user.id,
                 before={"active": before}, after={"active": active})
    return user


def by_session_id(session: Session, session_id: str) -> User | None:
    """The account a session cookie names ("<id>:<version>"), if that session still counts."""
    from portal.ids import parse_id

    raw_id, _, raw_version = session_id.partition(":")
    user_id = parse_id(raw_id)
    if user_id is None or not raw_version.isascii() or not raw_version.isdigit():
        return None
    user = session.get(User, user_id)
    if user is None or str(user.session_version) != raw_version:
        return None
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


@dataclass(frozen=True)
class SignInResult:
    user: User | None


def check_nothing(password: str) -> None:
    """Spend the time of one password check, for an attempt that has no account to check."""
    try:
        _hasher.verify(_dummy_hash(), password)
    except VerificationError:
        pass


def authenticate(
    session: Session, email: str, password: str, ip: str = "", now: datetime | None = None
) -> SignInResult:
    """Check a password: one hash whether or not the email has an account. Repeated failures
    are throttled by the caller, per address (portal/auth/lockout.py), not by locking the
    account everywhere."""
    now = now or utcnow()
    user = by_email(session, email)
    if user is None or not user.active:
        check_nothing(password)
        audit.record(session, audit.Actor(label=normalize_email(email)[:320], ip=ip),
                     AuditAction.SIGNIN_FAILED, "user", user.id if user else "")
        return SignInResult(user=None)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        audit.record(session, audit.Actor.of(user, ip), AuditAction.SIGNIN_FAILED, "user",
                     user.id)
        return SignInResult(user=None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.last_login_at = now
    audit.record(session, audit.Actor.of(user, ip), AuditAction.SIGNIN, "user", user.id)
    return SignInResult(user=user)

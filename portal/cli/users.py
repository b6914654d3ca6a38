"""`flask --app portal users ...`: staff accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portal.db import write_session

group = AppGroup("users", help="Staff accounts: moderators, planners, coordinators and admins.")
ROLES = click.Choice(["moderator", "planner", "coordinator", "admin"])


def _fail(exc: Exception) -> None:
    raise click.ClickException(str(exc)) from exc


@group.command("create")
@click.argument("email")
@click.option("--role", type=ROLES, required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked twice unless read from standard input."""
    from portal.services import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with write_session() as session:
            user = accounts.create_user(session, email, password, role)
            click.echo(f"created {user.email} ({user.role})")
    except accounts.AccountError as exc:
        _fail(exc)


@group.command("list")
def users_list() -> None:
    """List staff accounts."""
    from portal.services import accounts

    with write_session() as session:
        for user in accounts.list_users(session):
            state = "active" if user.active else "disabled"
            click.echo(f"{user.email}\t{user.role}\t{state}")


@group.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Disable an account: it can no longer sign in; its history stays."""
    from portal.services import accounts

    try:
        with write_session() as session:
            accounts.set_active(session, email, False)
        click.echo(f"disabled {email}")
    except accounts.AccountError as exc:
        _fail(exc)


@group.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLES)
def users_set_role(email: str, role: str) -> None:
    """Change an account's role."""
    from portal.services import accounts

    try:
        with write_session() as session:
            accounts.set_role(session, email, role)
        click.echo(f"{email} is now {role}")
    except accounts.AccountError as exc:
        _fail(exc)


@group.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_set_password(email: str, password_stdin: bool) -> None:
    """Give an account a new password; every session of the account ends."""
    from portal.services import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with write_session() as session:
            accounts.set_password(session, email, password)
        click.echo(f"new password set for {email}; its sessions were ended")
    except accounts.AccountError as exc:
        _fail(exc)


@group.command("end-sessions")
@click.argument("email")
def users_end_sessions(email: str) -> None:
    """Sign an account out everywhere: every browser session of it stops working."""
    from portal.services import accounts

    try:
        with write_session() as session:
            accounts.end_all_sessions(session, email)
        click.echo(f"ended every session of {email}")
    except accounts.AccountError as exc:
        _fail(exc)

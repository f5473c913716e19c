"""`ivr staff`: console accounts — add (field officer or admin), groups of a field officer, list, disable, unlock,
reset a password, and record a group's consent to staff seeing personal data. Every change is audited."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from ivr.cli.common import settings_of

app = typer.Typer(no_args_is_help=True, help="Staff accounts of the web console (/console).")
T = TypeVar("T")
NameArg = Annotated[str, typer.Argument(help="Sign-in name (lower-case letters, digits, . _ -).")]
StdinOption = Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of "
                                                                    "standard input instead of asking twice.")]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _db(ctx: typer.Context, work: Callable[..., T]) -> T:
    """Run `work(session)` in one committed transaction on the migrated IVR database; StaffError -> one line."""
    from ivr.console.accounts import StaffError
    from ivr.console.passwords import WeakPassword
    from models.base import make_sessionmaker
    from models.migrate import current_revisions, engine_for, head_revisions, upgrade_engine

    settings = settings_of(ctx)
    engine = engine_for(settings)
    try:
        if current_revisions(engine) != head_revisions():
            upgrade_engine(engine)  # a fresh install: `ivr staff add` is often the first command run
        with make_sessionmaker(engine).begin() as s:
            return work(s)
    except (StaffError, WeakPassword) as exc:
        _fail(str(exc))
        raise
    finally:
        engine.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            _fail("no password on standard input")
        return line
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(ctx: typer.Context, name: NameArg,
        role: Annotated[str, typer.Option("--role", help="field_officer or admin.")] = "field_officer",
        group: Annotated[list[str] | None, typer.Option("--group", help="A group this field officer supports "
                                                                         "(repeatable).")] = None,
        password_stdin: StdinOption = False) -> None:
    """Create a console account (the password is asked for twice, or read with --password-stdin)."""
    from ivr.console.accounts import add_staff

    cfg = settings_of(ctx).console
    password = _password(password_stdin)
    _db(ctx, lambda s: add_staff(s, name, role, password, actor=_actor(), min_length=cfg.password_min_length,
                                 groups=group or []))
    typer.echo(f"staff account {name.strip().lower()} added ({role}"
               + (f"; groups {', '.join(group)})" if group else ")"))


@app.command("password")
def password(ctx: typer.Context, name: NameArg, password_stdin: StdinOption = False) -> None:
    """Set a new password (signs the person out everywhere and lifts a lockout)."""
    from ivr.console.accounts import set_password

    cfg = settings_of(ctx).console
    secret = _password(password_stdin)
    _db(ctx, lambda s: set_password(s, name, secret, actor=_actor(), min_length=cfg.password_min_length))
    typer.echo(f"password of {name} changed; their sessions are signed out")


@app.command("assign")
def assign(ctx: typer.Context, name: NameArg,
           groups: Annotated[list[str], typer.Argument(help="Ledger group ids.")]) -> None:
    """Give a field officer groups to support (they see only these, also by URL)."""
    from ivr.console.accounts import assign as assign_groups

    added = _db(ctx, lambda s: assign_groups(s, name, groups, actor=_actor()))
    typer.echo(f"{name}: added {', '.join(added) or 'nothing new'}")


@app.command("unassign")
def unassign(ctx: typer.Context, name: NameArg,
             groups: Annotated[list[str], typer.Argument(help="Ledger group ids.")]) -> None:
    """Take groups away from a field officer."""
    from ivr.console.accounts import unassign as unassign_groups

    gone = _db(ctx, lambda s: unassign_groups(s, name, groups, actor=_actor()))
    typer.echo(f"{name}: removed {', '.join(gone) or 'nothing (not assigned)'}")


@app.command("list")
def list_staff(ctx: typer.Context) -> None:
    """Every account: role, groups, state, last sign-in (no passwords, no hashes)."""
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ivr.console.formats import dt
    from models.base import utcnow
    from models.staff import StaffUser

    def rows(s: Session) -> list[tuple[str, ...]]:
        now = utcnow()
        out: list[tuple[str, ...]] = []
        for u in s.scalars(select(StaffUser).order_by(StaffUser.name)):
            state = "disabled" if u.disabled else "locked" if u.locked_until and u.locked_until > now else "active"
            out.append((u.name, u.role, ", ".join(g.group_id for g in u.groups) or "-", state, dt(u.last_sign_in_at)))
        return out

    table = Table("name", "role", "groups", "state", "last sign-in")
    for row in _db(ctx, rows):
        table.add_row(*row)
    Console().print(table)


@app.command("disable")
def disable(ctx: typer.Context, name: NameArg) -> None:
    """Stop an account signing in (its sessions end at once)."""
    from ivr.console.accounts import set_disabled

    _db(ctx, lambda s: set_disabled(s, name, True, actor=_actor()))
    typer.echo(f"{name} disabled and signed out")


@app.command("enable")
def enable(ctx: typer.Context, name: NameArg) -> None:
    """Let a disabled account sign in again."""
    from ivr.console.accounts import set_disabled

    _db(ctx, lambda s: set_disabled(s, name, False, actor=_actor()))
    typer.echo(f"{name} enabled")


@app.command("unlock")
def unlock(ctx: typer.Context, name: NameArg) -> None:
    """Lift a lockout after too many wrong passwords."""
    from ivr.console.accounts import unlock as unlock_account

    _db(ctx, lambda s: unlock_account(s, name, actor=_actor()))
    typer.echo(f"{name} unlocked")


@app.command("consent")
def consent(ctx: typer.Context, group: Annotated[str, typer.Argument(help="Ledger group id.")],
            grant: Annotated[bool, typer.Option("--grant/--withdraw", help="The group's decision.")],
            note: Annotated[str, typer.Option("--note", help="Where the decision is written down.")]) -> None:
    """Record a group's decision on staff seeing its members' names, numbers, speech and recordings."""
    from ivr.console.accounts import record_consent

    _db(ctx, lambda s: record_consent(s, group, grant, note=note, actor=_actor()))
    typer.echo(f"{group}: consent {'granted' if grant else 'withdrawn'} recorded")

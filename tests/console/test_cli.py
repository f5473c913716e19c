"""`ivr staff` through the real CLI entry point (Typer runner) on a fresh database: add, assign, list, disable,
unlock, consent — and one clear line for each refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ivr.cli import app
from ivr.console.passwords import password_matches
from models.audit import AuditEvent
from models.base import make_engine, make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.staff import GroupPiiConsent, StaffUser

PASSWORD = "a long enough password"


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"IVR_DATA_DIR": str(tmp_path), "IVR_DATABASE__URL": f"sqlite:///{tmp_path / 'ivr.db'}",
           "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "secrets.json"), "IVR_LOG_LEVEL": "WARNING"}
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        result = runner.invoke(app, ["staff", *args], env=env, input=stdin)
        return result.exit_code, result.output

    return run


def rows(tmp_path: Path) -> list[StaffUser]:
    from ivr.settings import load_settings

    install_keyring(keyring_from_settings(load_settings(security={"secrets_file": tmp_path / "secrets.json"})))
    engine = make_engine(f"sqlite:///{tmp_path / 'ivr.db'}")
    try:
        with make_sessionmaker(engine)() as s:
            users = list(s.scalars(select(StaffUser).order_by(StaffUser.name)))
            for u in users:
                _ = list(u.groups)
            return users
    finally:
        engine.dispose()


def test_staff_accounts_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out = cli("add", "Alice", "--role", "field_officer", "--group", "g-kes-umoja", "--password-stdin",
                    stdin=PASSWORD + "\n")
    assert code == 0 and "staff account alice added (field_officer; groups g-kes-umoja)" in out
    assert cli("add", "boss", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}\n")[0] == 0  # asked twice
    assert cli("assign", "alice", "g-tzs-tumaini", "g-kes-umoja")[1].strip() == "alice: added g-tzs-tumaini"
    code, out = cli("list")
    assert code == 0 and "alice" in out and "g-kes-umoja, g-tzs-tumaini" in out and PASSWORD not in out
    assert cli("disable", "alice")[0] == 0 and "disabled" in cli("list")[1]
    assert cli("enable", "alice")[0] == 0 and cli("unlock", "alice")[0] == 0
    assert cli("unassign", "alice", "g-tzs-tumaini")[1].strip() == "alice: removed g-tzs-tumaini"
    assert cli("consent", "g-kes-umoja", "--grant", "--note", "minutes of 3 May")[0] == 0
    users = {u.name: u for u in rows(tmp_path)}
    assert set(users) == {"alice", "boss"} and users["boss"].role == "admin"
    assert password_matches(users["alice"].password_hash, PASSWORD)
    assert [g.group_id for g in users["alice"].groups] == ["g-kes-umoja"]
    engine = make_engine(f"sqlite:///{tmp_path / 'ivr.db'}")
    try:
        with make_sessionmaker(engine)() as s:
            actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
            assert actions[:3] == ["staff.add", "staff.assign", "staff.add"] and "consent.grant" in actions
            assert all(e.actor.startswith("cli:") for e in s.scalars(select(AuditEvent)))
            assert s.scalars(select(GroupPiiConsent)).one().granted
    finally:
        engine.dispose()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("add", "x", "--password-stdin"), PASSWORD + "\n", "a staff name is 2-64 characters"),
    (("add", "weak", "--password-stdin"), "short\n", "a password needs at least 10 characters"),
    (("add", "root", "--role", "admin", "--group", "g-1", "--password-stdin"), PASSWORD + "\n", "admins see every"),
    (("add", "who", "--role", "chief", "--password-stdin"), PASSWORD + "\n", "role must be one of"),
    (("assign", "nobody", "g-1"), None, "no staff account 'nobody'"),
    (("consent", "g-1", "--grant", "--note", ""), None, "say where the group's decision is written down"),
])
def test_refusals_are_one_line(cli, args: tuple[str, ...], stdin: str | None,  # type: ignore[no-untyped-def]
                               message: str) -> None:
    code, out = cli(*args, stdin=stdin)
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert code == 1 and len(errors) == 1 and message in errors[0], out
    assert "Traceback" not in out and (stdin is None or stdin.strip() not in out)  # a password is never echoed

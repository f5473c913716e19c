"""The reference ledger keeps members' names and phone numbers encrypted at rest, with keys of its own (issue 14):
nothing readable in the database file, lookups by a keyed hash, the demo still seeds, an old clear-text ledger is
upgraded in place, and missing keys outside development stop the service with the setting names."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from ledger_core.crypto import LedgerKeysMissing, default_key_file, load_keys
from ledger_core.db import create_schema, make_engine, make_sessionmaker
from ledger_core.demo_people import demo_members
from ledger_core.queries import memberships
from tests.fixtures.ledger_server import REPO, LedgerCoreProcess

pytestmark = pytest.mark.integration


def test_the_database_file_holds_no_name_or_phone_in_clear(ledger_server: LedgerCoreProcess) -> None:
    path = Path(ledger_server.db_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*") if not p.name.endswith(".json"))
    for m in demo_members():
        assert m.phone.encode() not in raw and m.name.encode() not in raw, m.member_id
    with httpx.Client(base_url=ledger_server.base_url, timeout=30) as http:
        amina = next(m for m in demo_members() if m.name.startswith("Amina"))
        found = http.get("/v1/memberships", params={"phone": amina.phone.replace("+", "+ ")}).json()
        roster = http.get(f"/v1/groups/{amina.group_id}/members").json()["members"]
    assert {x["member_name"] for x in found["memberships"]} == {amina.name}
    assert amina.name in {r["name"] for r in roster}


def test_development_keys_are_generated_once_0600_next_to_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = load_keys(url, environ={})
    path = default_key_file(url)
    assert path == tmp_path / "ledger.db.keys.json" and stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_keys(url, environ={})
    assert first.fernet_keys == again.fernet_keys
    token = first.encrypt("Grace Achieng")
    assert again.decrypt(token) == "Grace Achieng" and first.lookup("+254 712 345 678") == \
        again.lookup("+254712345678")


def test_outside_development_missing_keys_stop_the_service(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with pytest.raises(LedgerKeysMissing, match=r"IVR_LEDGER_CORE__ENCRYPTION_KEYS.*IVR_LEDGER_CORE__LOOKUP_HASH_KEY"):
        load_keys(url, environ={"IVR_ENV": "production"})
    assert not default_key_file(url).exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    run = subprocess.run([sys.executable, "-m", "ledger_core", "--database-url", url, "--port", "1"],
                         env={**env, "IVR_ENV": "production"}, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "IVR_LEDGER_CORE__ENCRYPTION_KEYS" in run.stderr


def test_keys_from_the_environment(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    keys = load_keys("sqlite:///x.db", environ={"IVR_ENV": "production",
                                                "IVR_LEDGER_CORE__ENCRYPTION_KEYS": json.dumps([key]),
                                                "IVR_LEDGER_CORE__LOOKUP_HASH_KEY": "l" * 32})
    assert keys.fernet_keys == (key,)


def old_clear_text_ledger(url: str) -> None:
    """A ledger as written before field encryption: names and phones in clear, no phone_hash column."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE lc_groups (group_id VARCHAR(64) PRIMARY KEY, name VARCHAR(200) NOT NULL, methodology "
            "VARCHAR(16) NOT NULL, currency VARCHAR(3) NOT NULL, language VARCHAR(8) NOT NULL, timezone "
            "VARCHAR(64) NOT NULL, frequency VARCHAR(16) NOT NULL, weekday INTEGER NOT NULL, meeting_time "
            "VARCHAR(5) NOT NULL, place VARCHAR(200) NOT NULL, share_price_minor BIGINT NOT NULL, interest_kind "
            "VARCHAR(32) NOT NULL, interest_rate_bp INTEGER NOT NULL, loan_term_months INTEGER NOT NULL, "
            "social_fund_contribution_minor BIGINT NOT NULL, cycle_start DATE NOT NULL, cycle_end DATE NOT NULL, "
            "secretary_member_id VARCHAR(32))"))
        conn.execute(text(
            "CREATE TABLE lc_members (member_id VARCHAR(32) PRIMARY KEY, group_id VARCHAR(64) NOT NULL REFERENCES "
            "lc_groups (group_id), roster_number INTEGER NOT NULL, name VARCHAR(200) NOT NULL, first_name "
            "VARCHAR(100) NOT NULL, nickname VARCHAR(100), role VARCHAR(16) NOT NULL, language VARCHAR(8) NOT "
            "NULL, CONSTRAINT uq_lc_members_roster UNIQUE (group_id, roster_number))"))
        conn.execute(text(
            "CREATE TABLE lc_member_phones (id INTEGER PRIMARY KEY, member_id VARCHAR(32) NOT NULL REFERENCES "
            "lc_members (member_id), phone VARCHAR(20) NOT NULL, CONSTRAINT uq_lc_member_phones_member_phone "
            "UNIQUE (member_id, phone))"))
        conn.execute(text(
            "INSERT INTO lc_groups VALUES ('g-1', 'Umoja', 'VSLA', 'KES', 'en', 'Africa/Nairobi', 'weekly', 2, "
            "'14:00', 'the church hall', 10000, 'flat_monthly', 1000, 3, 2000, '2026-01-01', '2026-12-31', NULL)"))
        conn.execute(text("INSERT INTO lc_members VALUES ('m-1', 'g-1', 1, 'Grace Achieng', 'Grace', 'Mama G', "
                          "'chair', 'en')"))
        conn.execute(text("INSERT INTO lc_member_phones VALUES (1, 'm-1', '+254712345678')"))
    engine.dispose()


def upgraded_is_encrypted(url: str, key_file: Path) -> None:
    keys = load_keys(url, environ={"IVR_LEDGER_CORE__KEY_FILE": str(key_file)})
    engine = make_engine(url, keys)
    try:
        create_schema(engine)  # what every start does: the upgrade runs once
        create_schema(engine)  # and is idempotent
        with engine.connect() as conn:
            name, first, nick = conn.execute(text("SELECT name, first_name, nickname FROM lc_members")).one()
            phone, phone_hash = conn.execute(text("SELECT phone, phone_hash FROM lc_member_phones")).one()
        assert all(v.startswith("gAAAAA") for v in (name, first, nick, phone))
        assert keys.decrypt(name) == "Grace Achieng" and phone_hash == keys.lookup("+254712345678")
        with make_sessionmaker(engine)() as s:
            found = memberships(s, "+254712345678")
        assert [m.member_name for m in found.memberships] == ["Grace Achieng"]
    finally:
        engine.dispose()


def test_a_clear_text_ledger_is_upgraded_in_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old_clear_text_ledger(url)
    upgraded_is_encrypted(url, tmp_path / "keys.json")

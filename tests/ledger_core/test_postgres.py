"""The same ledger_core app on PostgreSQL: identical figures to SQLite for the demo data, and batches behave alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledger_core.crypto import load_keys
from ledger_core.demo_people import demo_members
from tests.fixtures.ledger_server import LedgerCoreProcess, seed_demo_database

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def pg_server(postgres_cluster: Any, tmp_path: Path) -> Iterator[LedgerCoreProcess]:
    # the seeding here and the server process share one development key file (names and phones are encrypted)
    env = {"IVR_LEDGER_CORE__KEY_FILE": str(tmp_path / "ledger.keys.json")}
    url = postgres_cluster.new_database("ledger")
    seed_demo_database(url, keys=load_keys(url, environ=env))
    with LedgerCoreProcess(url, log_path=tmp_path / "pg_ledger.log", env=env) as proc:
        yield proc


def _strip(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "as_of"}


@pytest.fixture
def fresh_sqlite_server(tmp_path: Path) -> Iterator[LedgerCoreProcess]:
    """Its own freshly seeded SQLite ledger: the session's ledger_server is shared, and earlier tests may have
    changed it (a member's language picked by voice, a meeting's entries), which PostgreSQL's fresh seed has not."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    seed_demo_database(url)
    with LedgerCoreProcess(url, log_path=tmp_path / "sqlite_ledger.log") as proc:
        yield proc


def test_postgres_serves_the_same_figures_as_sqlite(pg_server: LedgerCoreProcess,
                                                    fresh_sqlite_server: LedgerCoreProcess) -> None:
    with httpx.Client(base_url=pg_server.base_url, timeout=30) as pg, \
            httpx.Client(base_url=fresh_sqlite_server.base_url, timeout=30) as lite:
        for path in ("/v1/groups/g-kes-umoja", "/v1/groups/g-tzs-tumaini/members",
                     "/v1/groups/g-kes-umoja/position", "/v1/groups/g-tzs-tumaini/position",
                     "/v1/groups/g-kes-umoja/meetings"):
            assert _strip(pg.get(path).json()) == _strip(lite.get(path).json()), path
        for m in demo_members():
            path = f"/v1/groups/{m.group_id}/members/{m.member_id}/position"
            assert _strip(pg.get(path).json()) == _strip(lite.get(path).json()), path
        phone = demo_members()[2].phone
        assert pg.get("/v1/memberships", params={"phone": phone}).json() == \
            lite.get("/v1/memberships", params={"phone": phone}).json()


def test_postgres_batch_replay_conflict_and_rejection(pg_server: LedgerCoreProcess) -> None:
    member = demo_members()[0].member_id
    url = "/v1/groups/g-kes-umoja/meetings/2030-01-03/transactions"
    entry = {"idempotency_key": "pg-1", "member_id": member, "type": "savings", "amount_minor": 5_000}
    with httpx.Client(base_url=pg_server.base_url, timeout=30) as http:
        before = http.get(f"/v1/groups/g-kes-umoja/members/{member}/position").json()["savings_minor"]
        assert http.post(url, json={"entries": [entry]}).json()["results"][0]["status"] == "created"
        assert http.post(url, json={"entries": [entry]}).json()["results"][0]["status"] == "replayed"
        assert http.post(url, json={"entries": [{**entry, "amount_minor": 1}]}).status_code == 409
        bad = http.post(url, json={"entries": [{**entry, "idempotency_key": "pg-2"},
                                               {**entry, "idempotency_key": "pg-3", "member_id": "m-nope"}]})
        assert bad.status_code == 422 and bad.json()["detail"][0]["index"] == 1
        after = http.get(f"/v1/groups/g-kes-umoja/members/{member}/position").json()["savings_minor"]
        assert after == before + 5_000
        pg_server.kill()
        pg_server.start().wait_ready()
        assert http.post(url, json={"entries": [entry]}).json()["results"][0]["status"] == "replayed"


def test_postgres_holds_no_name_or_phone_in_clear(pg_server: LedgerCoreProcess) -> None:
    import psycopg

    with psycopg.connect(pg_server.db_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        rows = conn.execute("SELECT m.name, m.first_name, p.phone FROM lc_members m "
                            "JOIN lc_member_phones p ON p.member_id = m.member_id").fetchall()
    assert rows and all(v.startswith("gAAAAA") for row in rows for v in row)
    stored = {v for row in rows for v in row}
    for m in demo_members():
        assert m.name not in stored and m.phone not in stored
    with httpx.Client(base_url=pg_server.base_url, timeout=30) as http:
        found = http.get("/v1/memberships", params={"phone": demo_members()[0].phone}).json()
    assert found["memberships"][0]["member_name"] == demo_members()[0].name


def test_a_clear_text_postgres_ledger_is_upgraded_in_place(postgres_cluster: Any, tmp_path: Path) -> None:
    from tests.ledger_core.test_encryption import old_clear_text_ledger, upgraded_is_encrypted

    url = postgres_cluster.new_database("oldledger")
    old_clear_text_ledger(url)
    upgraded_is_encrypted(url, tmp_path / "keys.json")

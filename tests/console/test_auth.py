"""Sign-in, cookies, lockout, disabling, sign-out, idle expiry and CSRF — against the real console routes and a real
migrated SQLite database (argon2 hashes, no fakes)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from ivr.console.accounts import set_disabled
from ivr.console.accounts import sign_in as check_sign_in
from ivr.console.passwords import WeakPassword, check_policy, hash_password, password_matches
from ivr.console.sessions import Cookies
from models.audit import AuditEvent
from models.base import utcnow
from models.staff import StaffSession, StaffUser
from tests.console.conftest import PASSWORD, Db, csrf_of, sign_in, signed_in


def test_passwords_are_argon2id_and_checked() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert password_matches(stored, PASSWORD) and not password_matches(stored, PASSWORD + "x")
    assert not password_matches(None, PASSWORD)  # unknown account: the dummy hash, never True
    assert not password_matches("not a hash", PASSWORD)


@pytest.mark.parametrize("bad", ["short", "aaaaaaaaaaaa", "alice-smith"])
def test_weak_passwords_are_refused(bad: str) -> None:
    with pytest.raises(WeakPassword) as err:
        check_policy(bad, min_length=10, name="alice-smith")
    assert bad not in str(err.value)


async def test_sign_in_sets_a_secure_httponly_samesite_session_cookie(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("alice", groups=("g-kes-umoja",))
    answer = await sign_in(client, "alice")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/today"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("__Host-mkb_console="))
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=lax" in flags and "secure" in flags and "path=/" in flags
    page = await client.get("/console/today")
    assert page.status_code == 200 and "alice" in page.text
    assert "no-store" in page.headers["cache-control"] and "frame-ancestors 'none'" in \
        page.headers["content-security-policy"]
    with db.sessions() as s:
        row = s.scalars(select(StaffSession)).one()
        assert row.token_hash != cookie.split("=", 1)[1].split(";")[0]  # only the hash is stored
        assert [e.action for e in s.scalars(select(AuditEvent))][-1] == "staff.sign_in"


def test_cookies_are_not_secure_in_development_only() -> None:
    assert Cookies(secure=False).session == "mkb_console" and not Cookies(False).flags(60)["secure"]
    assert Cookies(secure=True).session == "__Host-mkb_console"


async def test_pages_need_a_session(client: httpx.AsyncClient) -> None:
    answer = await client.get("/console/calls?day=2026-01-01")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in?next=%2Fconsole%2Fcalls%3Fday%3D2026-01-01"
    htmx = await client.get("/console/today/live", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"].startswith("/console/sign-in")


async def test_next_never_leaves_the_console(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("alice")
    form = await client.get("/console/sign-in")
    answer = await client.post("/console/sign-in", data={"name": "alice", "password": PASSWORD,
                                                         "csrf_token": csrf_of(form.text),
                                                         "next": "//evil.example/console/x"})
    assert answer.headers["location"] == "/console/today"


async def test_wrong_passwords_lock_the_account(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("bob")
    for _ in range(4):
        wrong = await sign_in(client, "bob", "not the password")
        assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    locked = await sign_in(client, "bob", "not the password")  # the 5th (IVR_CONSOLE__MAX_FAILED_SIGN_INS)
    assert locked.status_code == 403 and "locked" in locked.text
    still = await sign_in(client, "bob")  # even the right password, while locked
    assert still.status_code == 403 and "locked" in still.text
    with db.sessions() as s:
        assert ("system", "staff.locked", "bob") in [(e.actor, e.action, e.subject_id)
                                                     for e in s.scalars(select(AuditEvent))]
    with db.sessions.begin() as s:  # the lock passes
        s.execute(update(StaffUser).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert (await sign_in(client, "bob")).status_code == 303


async def test_unknown_name_gets_the_same_answer(db: Db, client: httpx.AsyncClient) -> None:
    answer = await sign_in(client, "nobody")
    assert answer.status_code == 401 and "Wrong name or password" in answer.text


def test_lockout_counts_in_a_row_only(db: Db) -> None:
    db.staff("carol")
    now = utcnow()
    with db.sessions.begin() as s:
        for _ in range(4):
            assert check_sign_in(s, "carol", "wrong", now=now, max_failed=5, lock_minutes=15).status == "wrong"
        assert check_sign_in(s, "carol", PASSWORD, now=now, max_failed=5, lock_minutes=15).status == "ok"
        assert check_sign_in(s, "carol", "wrong", now=now, max_failed=5, lock_minutes=15).status == "wrong"


async def test_disabling_signs_out_and_refuses(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("dave")
    await signed_in(client, "dave")
    with db.sessions.begin() as s:
        set_disabled(s, "dave", True, actor="test")
    assert (await client.get("/console/today")).status_code == 303
    refused = await sign_in(client, "dave")
    assert refused.status_code == 403 and "disabled" in refused.text


async def test_sign_out_ends_the_session(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("erin")
    token = await signed_in(client, "erin")
    cookie = client.cookies.get("__Host-mkb_console")
    out = await client.post("/console/sign-out", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/console/sign-in?signed_out=1"
    client.cookies.set("__Host-mkb_console", cookie or "")  # a copied cookie is useless after sign-out
    assert (await client.get("/console/today")).status_code == 303


async def test_idle_sessions_expire(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("fay")
    await signed_in(client, "fay")
    with db.sessions.begin() as s:
        s.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=61)))
    assert (await client.get("/console/today")).status_code == 303


async def test_forms_without_the_csrf_token_are_refused(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("gil", role="admin")
    token = await signed_in(client, "gil")
    missing = await client.post("/console/sign-out")
    assert missing.status_code == 403 and "CSRF" in missing.text
    wrong = await client.post("/console/groups/g-kes-umoja/consent",
                              data={"csrf_token": "x" * 40, "decision": "granted", "note": "minutes"})
    assert wrong.status_code == 403
    other_site = await client.post("/console/sign-out", data={"csrf_token": token},
                                   headers={"Origin": "https://evil.example"})
    assert other_site.status_code == 403
    assert (await client.get("/console/today")).status_code == 200  # still signed in: nothing happened
    header = await client.post("/console/groups/g-kes-umoja/consent", headers={"X-CSRF-Token": token},
                               data={"decision": "granted", "note": "minutes of 1 May"})  # htmx sends the header
    assert header.status_code == 303


async def test_sign_in_form_needs_its_double_submit_cookie(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("hal")
    form = await client.get("/console/sign-in")
    token = csrf_of(form.text)
    client.cookies.clear()
    answer = await client.post("/console/sign-in", data={"name": "hal", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 403 and "CSRF" in answer.text

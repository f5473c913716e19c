"""Concurrent opt-out/opt-in, pauses, contacts and language choices for the same member never fail (issue 14: a
get-then-insert answered 500 to the request that lost the race); SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from models.members import ConsentRecord, MemberPreference
from models.reminders import ReminderContact, ReminderPause
from tests.reminders.conftest import Env

N = 12


def _together(*make: Callable[[], Awaitable[object]]) -> list[object]:
    async def run() -> list[object]:
        return list(await asyncio.gather(*(m() for m in make), return_exceptions=True))

    return asyncio.run(run())


def _errors(results: list[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]


def test_parallel_opt_out_and_opt_in_of_a_new_member(env: Env) -> None:
    store = env.store()
    for round_ in range(3):
        member = f"m-race-{round_}"
        results = _together(*(lambda i=i, m=member: store.set_opt_out(m, i % 2 == 0) for i in range(N)))
        assert _errors(results) == []
        with env.sessions() as s:
            assert s.scalar(select(func.count()).select_from(MemberPreference)
                            .where(MemberPreference.member_id == member)) == 1
            assert s.scalar(select(func.count()).select_from(ConsentRecord)
                            .where(ConsentRecord.member_id == member)) == N  # every answer is kept as history


def test_opt_out_keeps_the_language_and_language_keeps_the_opt_out(env: Env) -> None:
    store, dialog_store = env.store(), env.sql_store()
    results = _together(lambda: store.set_opt_out("m-both", True),
                        lambda: dialog_store.set_language(["m-both"], "sw"))
    assert _errors(results) == []
    with env.sessions() as s:
        pref = s.get(MemberPreference, "m-both")
        assert pref is not None and pref.reminders_opt_out and pref.language == "sw"


def test_parallel_language_choices_for_the_memberships_of_one_person(env: Env) -> None:
    dialog_store = env.sql_store()
    ids = [f"m-lang-{i}" for i in range(4)]
    results = _together(*(lambda lang=lang: dialog_store.set_language(ids, lang) for lang in ["en", "sw"] * (N // 2)))
    assert _errors(results) == []
    with env.sessions() as s:
        langs = {p.member_id: p.language for p in s.scalars(select(MemberPreference)
                                                            .where(MemberPreference.member_id.in_(ids)))}
    assert set(langs) == set(ids) and set(langs.values()) <= {"en", "sw"}


def test_parallel_pauses_and_contact_imports(env: Env) -> None:
    store = env.store()
    results = _together(*(lambda: store.pause("g-1", "admin:a") for _ in range(N)),
                        *(lambda i=i: store.set_contacts([("m-c", f"+25470000{i:04d}")]) for i in range(N)))
    assert _errors(results) == []
    with env.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReminderPause)) == 1
        assert s.scalar(select(func.count()).select_from(ReminderContact)) == 1

"""The callback to a number in no group says one short message in the default language, stores the call, hangs up."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from dialogs.actions import End, Say
from dialogs.callback_unknown import UnknownCallbackDialog
from dialogs.events import CallStarted, Hangup
from dialogs.prompts import interruptible, render
from dialogs.store import SqlStore
from models.base import make_sessionmaker
from models.calls import Call
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from tests.fakes.dialog_fakes import FakeClock
from tests.fixtures.settings import make_test_settings


async def test_one_message_then_goodbye(tmp_path: Path) -> None:
    settings = make_test_settings(tmp_path)
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        sessions = make_sessionmaker(engine)
        call_id = uuid.uuid4()
        dialog = UnknownCallbackDialog(call_id=call_id, store=SqlStore(sessions), clock=FakeClock(), lang="sw")
        actions = await dialog.handle(CallStarted("+254799000111", direction="out", purpose="callback"))
        assert [type(a) for a in actions] == [Say, Say, Say, End] and not interruptible("callback_unknown")
        said = [a for a in actions if isinstance(a, Say)]
        assert all(a.lang == "sw" for a in said)
        assert "vikundi vya akiba" in " ".join(render(a.prompt_id, {}, "sw") for a in said)
        assert "members of savings groups" in render("callback_unknown_line", {}, "en")
        assert dialog.listening is None and await dialog.handle(Hangup()) == []
        with sessions() as s:
            call = s.scalars(select(Call)).one()
            assert (call.direction, call.purpose, call.outcome) == ("out", "callback", "unknown_callback")
    finally:
        engine.dispose()

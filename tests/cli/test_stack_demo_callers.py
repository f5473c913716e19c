"""`ivr stack` hands the demo callers it prints to the IVR it starts: the IVR child's environment carries
IVR_SOFTPHONE__DEMO_CALLERS, the IVR's settings parse it, and the /phone page's caller list shows every demo member."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ivr.cli.stack import DEMO_CALLERS_ENV, services_for
from ivr.settings import Settings
from ivr.softphone.router import include_softphone
from ledger_core.demo_people import demo_members
from tests.fixtures.settings import make_test_settings


def test_the_ivr_child_gets_the_demo_callers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            settings: Settings) -> None:
    monkeypatch.delenv(DEMO_CALLERS_ENV, raising=False)
    [ivr] = [s for s in services_for(settings) if s.name == "IVR"]
    monkeypatch.setenv(DEMO_CALLERS_ENV, ivr.env[DEMO_CALLERS_ENV])  # what the child process sees
    child = make_test_settings(tmp_path)
    assert [c.phone for c in child.softphone.demo_callers] == [m.phone for m in demo_members()]
    app = FastAPI()
    include_softphone(app, child)
    listed = TestClient(app, base_url="http://127.0.0.1").get("/phone/callers").json()["callers"]  # a loopback Host
    assert len(listed) == len(demo_members()) > 0
    first = demo_members()[0]
    assert listed[0]["phone"] == first.phone and first.name in listed[0]["label"]
    assert all(set(c) == {"phone", "label"} for c in listed)  # no PINs on the page


def test_an_operators_own_list_wins(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv(DEMO_CALLERS_ENV, '[{"phone": "+15550000000", "label": "mine"}]')
    [ivr] = [s for s in services_for(settings) if s.name == "IVR"]
    assert DEMO_CALLERS_ENV not in ivr.env

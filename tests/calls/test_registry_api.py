"""Call registration as the dialplan does it (form POST, plain-text UUID) and the registry's one-shot admission."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ivr.api import calls as calls_api
from ivr.api.calls import parse_registration
from ivr.calls.config import CallSettings
from ivr.calls.registry import CallRegistry, TooManyCalls
from ivr.calls.session import CallSession
from tests.fixtures.settings import make_test_settings

UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class _Deps:  # CallSession reads deps.settings.jitter_ms at construction only
    settings = CallSettings()


def registry(**cfg: Any) -> tuple[CallRegistry, Clock]:
    clock = Clock()
    reg = CallRegistry(CallSettings(**cfg), lambda info, end: CallSession(info, _Deps(), on_end=end),  # type: ignore[arg-type]
                       clock=clock)
    return reg, clock


def test_a_uuid_admits_exactly_one_connection() -> None:
    reg, _ = registry()
    info = reg.register(caller="+254700000001", channel="PJSIP/x-1")
    session = reg.accept(info.call_id)
    assert session is not None and session.info.caller == "+254700000001"
    assert reg.accept(info.call_id) is None  # replay refused
    assert reg.accept(uuid.uuid4()) is None  # never issued


def test_registration_expires() -> None:
    reg, clock = registry(registration_ttl_s=5)
    info = reg.register(caller="1")
    clock.t += 5.1
    assert reg.accept(info.call_id) is None and reg.pending == 0


def test_max_calls_counts_pending_and_live() -> None:
    reg, _ = registry(max_calls=2)
    a = reg.register(caller="1")
    reg.accept(a.call_id)
    reg.register(caller="2")
    with pytest.raises(TooManyCalls, match="IVR_CALLS__MAX_CALLS"):
        reg.register(caller="3")


def test_caller_number_is_not_in_reprs() -> None:
    reg, _ = registry()
    info = reg.register(caller="+254711222333")
    assert "711222333" not in repr(info)


@pytest.mark.parametrize(("body", "error"), [
    (b"caller=1&caller=2", "given 2 times"),
    (b"caller=" + b"9" * 201, "longer than 200"),
    (b"\xff\xfe", "not UTF-8"),
    (b"x" * 3000, "over 2048 bytes"),
    (b"caller", "bad query field"),
])  # fmt: skip
def test_malformed_forms_are_named(body: bytes, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_registration(body)


def app_with(reg: CallRegistry, tmp: Path, env: str = "test", token: str = "tok") -> FastAPI:
    app = FastAPI()
    settings = make_test_settings(tmp, env=env, calls={"register_token": token})

    class Runtime:  # what ivr.deps reads from app.state.runtime
        registry = reg

    app.state.settings = settings
    app.state.runtime = Runtime()
    app.include_router(calls_api.router)
    return app


@pytest.fixture
def patched_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    import ivr.deps

    monkeypatch.setattr(ivr.deps, "Runtime", object)  # the stand-in above is not the real Runtime dataclass


def test_registration_endpoint_answers_a_bare_uuid(tmp_path: Path, patched_runtime: None) -> None:
    reg, _ = registry()
    client = TestClient(app_with(reg, tmp_path))
    form = "caller=%2B254700000001&dialled=100&channel=PJSIP%2Fphone-0001&uniqueid=1700000000.1"
    r = client.post("/asterisk/calls", content=form, headers={"X-IVR-Token": "tok",
                                                              "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.text == r.text.strip() and len(r.text) == 36
    import re

    assert re.match(UUID_RE, r.text)
    session = reg.accept(uuid.UUID(r.text))
    assert session is not None
    assert (session.info.caller, session.info.channel, session.info.dialled) == (
        "+254700000001", "PJSIP/phone-0001", "100")


@pytest.mark.parametrize(("headers", "body", "status"), [
    ({}, "caller=1", 403),  # no token
    ({"X-IVR-Token": "wrong"}, "caller=1", 403),
    ({"X-IVR-Token": "tok"}, "caller=1&caller=2", 400),
])  # fmt: skip
def test_refusals_are_not_uuids(tmp_path: Path, patched_runtime: None, headers: dict[str, str], body: str,
                                status: int) -> None:
    reg, _ = registry()
    r = TestClient(app_with(reg, tmp_path)).post("/asterisk/calls", content=body, headers=headers)
    assert (r.status_code, r.text) == (status, "refused")
    assert reg.pending == 0


@pytest.mark.parametrize("env", ["development", "test"])
def test_an_empty_token_refuses_every_registration(tmp_path: Path, patched_runtime: None, env: str) -> None:
    """load_settings() never leaves it empty; settings built another way must not open the endpoint to anyone."""
    reg, _ = registry()
    app = app_with(reg, tmp_path, env=env)
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"calls": settings.calls.model_copy(
        update={"register_token": SecretStr("")})})
    r = TestClient(app).post("/asterisk/calls", content="caller=1")
    assert (r.status_code, r.text) == (403, "refused")


def test_a_development_app_refuses_registrations_without_the_generated_token(tmp_path: Path,
                                                                            patched_runtime: None) -> None:
    """The default stack (development) no longer accepts registrations from anyone who can reach it."""
    from ivr.settings import load_settings

    reg, _ = registry()
    app = FastAPI()
    app.state.settings = load_settings(env="development", data_dir=tmp_path,
                                       security={"secrets_file": tmp_path / "secrets.json"})

    class Runtime:
        registry = reg

    app.state.runtime = Runtime()
    app.include_router(calls_api.router)
    client = TestClient(app)
    assert client.post("/asterisk/calls", content="caller=1").status_code == 403
    token = app.state.settings.calls.register_token.get_secret_value()
    ok = client.post("/asterisk/calls", content="caller=1", headers={"X-IVR-Token": token})
    assert ok.status_code == 200 and len(ok.text) == 36


def test_full_house_is_refused(tmp_path: Path, patched_runtime: None) -> None:
    reg, _ = registry(max_calls=1)
    client = TestClient(app_with(reg, tmp_path))
    ok = client.post("/asterisk/calls", content="caller=1", headers={"X-IVR-Token": "tok"})
    full = client.post("/asterisk/calls", content="caller=2", headers={"X-IVR-Token": "tok"})
    assert len(ok.text) == 36 and (full.status_code, full.text) == (503, "refused")

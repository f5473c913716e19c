"""Log redaction by what a value is: phone numbers, PINs, amounts and names are masked in messages, args and
tracebacks (SQL parameters included); ports, durations, counts, dates and ids stay readable (issue 14)."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator

import pytest

from ivr.cli.common import configure_logging
from ivr.logredact import NAME, NUMBER, PHONE, RedactingFilter, Visible, install, redact


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    install([handler])
    log = logging.getLogger(f"test.redact.{uuid.uuid4().hex}")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    yield log, buf
    log.removeHandler(handler)


@pytest.mark.parametrize(("text", "expected"), [
    ("caller +254 712 345 678 rang", f"caller {PHONE} rang"),
    ("caller +254712345678 rang", f"caller {PHONE} rang"),
    ("number 0712-345-678", f"number {PHONE}"),
    ("(256) 772 000111", f"{PHONE}"),
    ("pin 4821 entered", f"pin {NUMBER} entered"),
    ("paid 1,500.50 KES", f"paid {NUMBER} KES"),
    ("balance=250000", f"balance={NUMBER}"),
    ("TZS 12000 and 7", f"TZS {NUMBER} and 7"),
    ("pin code 4821", f"pin code {NUMBER}"),
    ("paid KES 500", f"paid KES {NUMBER}"),
    ("owes 250 shillings", f"owes {NUMBER} shillings"),
    ("x 4821 y", f"x {NUMBER} y"),  # a bare 4+ digit number could be a PIN
    ("GET /v1/memberships?phone=%2B254712345678 HTTP/1.1", f"GET /v1/memberships?phone={PHONE} HTTP/1.1"),
])
def test_redact_masks_phones_pins_amounts(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("ident", [
    "3f2c9a1e-7b4d-4c1a-9e2f-0123456789ab",
    "849f33a362ccdba16190cce0006bac263855eca000d14c5f09c9b2fe34833f89",
    "deadbeef42",
    "9c1e2f3a",
])
def test_ids_stay_readable(ident: str) -> None:
    assert redact(f"call {ident} ended") == f"call {ident} ended"


@pytest.mark.parametrize("text", [
    "AudioSocket listening on 0.0.0.0:9092",
    "Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)",
    "AMI connected to 127.0.0.1:5038 (manager 11.0.0)",
    "serving [::1]:8000",
    "rasa ready on port 5005 in 8.1 s",
    "took 350 ms over 2 retries",
    "ledger memberships unavailable (timeout); retry 2/3 in 0.25s",
    "Started server process [12345]",
    "member m-0001 of g-kes-umoja, transaction t-000123, loan l-0007",
    "meeting 2026-11-12 at 09:30, updated 2026-11-12T09:30:00+00:00",
    "after an unclean stop: 3 call(s) marked interrupted, 12 recording(s) recovered",
    "call 3f2c9a1e-7b4d-4c1a-9e2f-0123456789ab registered for channel PJSIP/phone-0001 (uniqueid 1700000000.1)",
    "ratio 0.44 of 12%",
    "HTTP 413 for 2048 bytes",
    "Running upgrade 0004_meeting_recording -> 0005_pin_guards, PIN lockout",
])
def test_ports_durations_counts_dates_and_ids_stay_readable(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("name='Grace Achieng' role=member", f"name='{NAME}' role=member"),
    ("member_name=Mary Akinyi, amount=500", f"member_name={NAME}, amount={NUMBER}"),
    ("Name(text='Grace')", f"Name(text='{NAME}')"),
    ("1 validation error: input_value='Peter Otieno'", f"1 validation error: input_value='{NAME}'"),
    ('{"first_name": "Amina", "role": "chair"}', f'{{"first_name": "{NAME}", "role": "chair"}}'),
])
def test_names_are_masked_by_their_key(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_sql_parameters_in_a_traceback_are_masked(logger: tuple[logging.Logger, io.StringIO]) -> None:
    import sqlite3

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import IntegrityError

    log, buf = logger
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE m (phone TEXT UNIQUE, name TEXT, balance INT)"))
        conn.execute(text("INSERT INTO m VALUES ('+254712345678', 'Grace Achieng', 150000)"))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO m VALUES (:p, :n, :b)"),
                         {"p": "+254712345678", "n": "Grace Achieng", "b": 150000})
    except IntegrityError:
        log.exception("could not add member")
    out = buf.getvalue()
    assert "sqlite3.IntegrityError" in out and "[parameters: <parameters>]" in out
    for secret in ("254712345678", "Grace", "150000"):
        assert secret not in out
    assert sqlite3  # the real driver's error, not a hand-made string


def test_args_and_template_are_masked_but_format_survives(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, buf = logger
    call = uuid.uuid4()
    log.info("call %s from %s paid %d with pin %s", call, "+255 700 123 456", 15000, "4821")
    log.info("%(who)s owes %(amount)d", {"who": "m-7", "amount": 250})
    log.info("ratio %5.2f of %d%%", 0.4375, 12)
    log.info("listening on %s:%d", "0.0.0.0", 9092)
    log.info("f-string leak: +254712345678 pin 9911")
    log.info("took %s ms over %s retries", Visible(35), Visible(2))
    out = buf.getvalue()
    assert f"call {call} from {PHONE} paid {NUMBER} with pin {NUMBER}" in out
    assert f"m-7 owes {NUMBER}" in out  # the member id stays, the amount goes
    assert "ratio  0.44 of 12%" in out
    assert "listening on 0.0.0.0:9092" in out
    assert f"f-string leak: {PHONE} pin {NUMBER}" in out
    assert "took 35 ms over 2 retries" in out
    for secret in ("255 700 123 456", "15000", "4821", " 250", "254712345678", "9911"):
        assert secret not in out


def test_traceback_text_is_masked_but_frames_kept(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, buf = logger
    try:
        raise ValueError("bad amount 98765 for +256772000111")
    except ValueError:
        log.exception("failed")
    out = buf.getvalue()
    assert "98765" not in out and "256772000111" not in out
    assert f"ValueError: bad amount {NUMBER} for {PHONE}" in out
    assert 'File "' in out and ", line " in out


def test_mismatched_template_never_crashes_or_leaks(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, buf = logger
    log.info("two %s %s", "+254712345678")
    assert "254712345678" not in buf.getvalue()


def test_configure_logging_installs_on_root_handlers() -> None:
    configure_logging("INFO")
    root = logging.getLogger()
    assert root.handlers
    assert all(any(isinstance(f, RedactingFilter) for f in h.filters) for h in root.handlers)
    install()  # idempotent: still one filter per handler
    assert all(sum(isinstance(f, RedactingFilter) for f in h.filters) == 1 for h in root.handlers)


def test_uvicorns_own_handlers_redact_access_lines_and_tracebacks(capfd: pytest.CaptureFixture[str]) -> None:
    """uvicorn logs through handlers of its own (not the root's): with uvicorn_log_config() they redact too —
    the access line's phone query, an ASGI traceback's SQL parameters — while the URL, port and status stay."""
    import asyncio

    import httpx
    import uvicorn
    from fastapi import FastAPI

    from ivr.logredact import uvicorn_log_config
    from tests.fixtures.ledger_server import free_port

    app = FastAPI()

    @app.get("/v1/memberships")
    def memberships(phone: str) -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("[SQL: INSERT INTO m VALUES (?, ?)]\n[parameters: ('Grace Achieng', '+254712345678')]")

    port = free_port()

    async def run() -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=uvicorn_log_config(), log_level="info")
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get("/v1/memberships", params={"phone": "+254799887766"})).status_code == 200
            assert (await http.get("/boom")).status_code == 500
        server.should_exit = True
        await task

    asyncio.run(run())
    out = capfd.readouterr()
    text = out.out + out.err
    assert f"http://127.0.0.1:{port}" in text  # the start-up line keeps the port
    assert f"/v1/memberships?phone={PHONE} HTTP/1.1\" 200" in text
    assert "Exception in ASGI application" in text and "[parameters: <parameters>]" in text
    for secret in ("254799887766", "254712345678", "Grace"):
        assert secret not in text
    logging.getLogger("uvicorn.error").handlers.clear()  # leave no stream handler on a closed capture
    logging.getLogger("uvicorn.access").handlers.clear()
    logging.getLogger("uvicorn").handlers.clear()


def test_install_uvicorn_attaches_to_handlers_already_configured() -> None:
    from ivr.logredact import install_uvicorn

    handler = logging.StreamHandler(io.StringIO())
    logging.getLogger("uvicorn.access").addHandler(handler)
    try:
        install_uvicorn()
        assert any(isinstance(f, RedactingFilter) for f in handler.filters)
    finally:
        logging.getLogger("uvicorn.access").removeHandler(handler)

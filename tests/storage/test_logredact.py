"""Log redaction: phone numbers, PINs and amounts are masked in messages, args and tracebacks; ids stay readable."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator

import pytest

from ivr.cli.common import configure_logging
from ivr.logredact import NUMBER, PHONE, RedactingFilter, Visible, install, redact


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
    ("TZS 12000 and 7", f"TZS {NUMBER} and {NUMBER}"),
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


def test_args_and_template_are_masked_but_format_survives(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, buf = logger
    call = uuid.uuid4()
    log.info("call %s from %s paid %d with pin %s", call, "+255 700 123 456", 15000, "4821")
    log.info("%(who)s owes %(amount)d", {"who": "m-7", "amount": 250})
    log.info("ratio %5.2f of %d%%", 0.4375, 12)
    log.info("f-string leak: +254712345678 pin 9911")
    log.info("took %s ms over %s retries", Visible(35), Visible(2))
    out = buf.getvalue()
    assert f"call {call} from {PHONE} paid {NUMBER} with pin {NUMBER}" in out
    assert f"m-{NUMBER} owes {NUMBER}" in out
    assert f"ratio {NUMBER} of {NUMBER}%" in out
    assert f"f-string leak: {PHONE} pin {NUMBER}" in out
    assert "took 35 ms over 2 retries" in out
    for secret in ("255 700 123 456", "15000", "4821", "250", "254712345678", "9911"):
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

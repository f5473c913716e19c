"""Uvicorn's own handlers (access lines, error tracebacks) pass through the redaction filter when `ivr serve` and
`ivr ledger serve` run: a phone number in a query string or in an exception never reaches the terminal in clear."""

from __future__ import annotations

import logging
import logging.config

import pytest
import uvicorn

from ivr.cli.serve import uvicorn_log_config

PHONE = "+254712345678"


@pytest.fixture
def restore_logging() -> object:
    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level, logging.getLogger(n).propagate)
             for n in names}
    yield None
    for n, (handlers, level, propagate) in saved.items():
        log = logging.getLogger(n)
        log.handlers, log.level, log.propagate = handlers, level, propagate


def test_uvicorn_access_and_error_logs_are_redacted(capsys: pytest.CaptureFixture[str],
                                                    restore_logging: object) -> None:
    async def app(scope: object, receive: object, send: object) -> None: ...

    uvicorn.Config(app, log_config=uvicorn_log_config(), log_level="info")  # configures logging as uvicorn.run does
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET",
                                             f"/phone/callers?caller={PHONE}", "1.1", 200)
    try:
        raise ValueError(f"(sqlite3.IntegrityError) [parameters: ('{PHONE}', 'Grace')]")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    captured = capsys.readouterr()
    err = captured.out + captured.err  # uvicorn writes access lines to stdout, errors to stderr
    assert "GET /phone/callers?caller=" in err and "Exception in ASGI application" in err
    assert PHONE not in err and "712345678" not in err, err

"""Keeps phone numbers out of httpx's request log lines (the memberships lookup carries one in its query)."""

from __future__ import annotations

import logging

import httpx

SENSITIVE_PARAMS = ("phone",)


class RedactQueryFilter(logging.Filter):
    """Replaces sensitive query values in any httpx.URL argument of a log record with 'REDACTED'."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_redact(a) for a in record.args)
        return True


def _redact(arg: object) -> object:
    if isinstance(arg, httpx.URL) and any(p in arg.params for p in SENSITIVE_PARAMS):
        url = arg
        for p in SENSITIVE_PARAMS:
            if p in url.params:
                url = url.copy_set_param(p, "REDACTED")
        return url
    return arg


def install_httpx_redaction() -> None:
    """Idempotent: attach the filter to httpx's loggers once per process."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQueryFilter) for f in logger.filters):
            logger.addFilter(RedactQueryFilter())

"""Keep phone numbers, PINs and amounts out of the logs: a logging.Filter that masks digit runs, not ids."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

PHONE = "<phone>"
NUMBER = "<num>"

# Order matters: ids are recognised (and kept) before anything is masked.
_TOKEN = re.compile(
    r"(?P<uuid>(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"(?![0-9A-Za-z]))"
    r"|(?P<hex>(?<![0-9A-Za-z])[0-9a-fA-F]{8,}(?![0-9A-Za-z]))"
    # a phone: optional +, then 7+ digits possibly grouped by spaces, dots, dashes or brackets
    r"|(?P<phone>\+?\(?\d(?:[\s().-]{0,2}\d){6,})"
    # any other digit run (PINs, amounts with separators, counts)
    r"|(?P<num>\d+(?:[.,]\d+)*)"
)
# printf-style conversion specifiers in a log template (kept intact; only the literal text around them is masked)
_SPEC = re.compile(r"(%%|%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa])")


class Visible(str):
    """Mark a value that is safe to log as is (a count or duration): `log.info("took %s ms", Visible(ms))`."""

    __slots__ = ()

    def __new__(cls, value: object) -> Visible:
        return super().__new__(cls, str(value))


def _mask(match: re.Match[str]) -> str:
    kind = match.lastgroup
    text = match.group(0)
    if kind == "uuid":
        return text
    if kind == "hex":
        if any(c.isalpha() for c in text):
            return text  # a hex id (hash, token id): readable, it is not a number anyone spoke
        return PHONE if len(text) >= 7 else NUMBER
    return PHONE if kind == "phone" else NUMBER


def redact(text: str) -> str:
    """Mask phone numbers and digit runs (PINs, amounts) while leaving UUIDs and hex ids readable."""
    return _TOKEN.sub(_mask, text)


def _redact_template(template: str) -> str:
    parts = _SPEC.split(template)
    return "".join(p if i % 2 else redact(p) for i, p in enumerate(parts))


def _redact_arg(value: Any) -> Any:
    if isinstance(value, Visible) or value is None or isinstance(value, bool):
        return value
    return redact(str(value))


def _as_string_spec(template: str) -> str:
    """Turn %d/%f/... into %s once the argument has become a masked string (so formatting cannot fail)."""
    def sub(m: re.Match[str]) -> str:
        spec = m.group(0)
        if spec == "%%" or spec.endswith(("s", "r", "a")):
            return spec
        key = re.match(r"%(\([^)]*\))?", spec)
        return f"%{(key.group(1) if key else None) or ''}s"
    return _SPEC.sub(sub, template)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (template and args) and exception text with sensitive digits masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            template = str(record.msg)
            args = record.args
            if args:
                if isinstance(args, Mapping):
                    safe: Any = {k: _redact_arg(v) for k, v in args.items()}
                else:
                    safe = tuple(_redact_arg(a) for a in args)
                record.msg = _as_string_spec(_redact_template(template)) % safe
            else:
                record.msg = redact(template)
            record.args = None
        except (TypeError, ValueError, KeyError):
            # a template that does not match its args: log the masked pieces rather than crash or leak
            record.msg = redact(f"{record.msg} {record.args!r}")
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _redact_traceback(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = _redact_traceback(record.exc_text)
        return True


def _redact_traceback(text: str) -> str:
    # frame lines ('  File "x.py", line 12, in f') are code locations; the rest may quote data
    return "\n".join(line if line.lstrip().startswith('File "') else redact(line) for line in text.splitlines())


def install(handlers: list[logging.Handler] | None = None) -> RedactingFilter:
    """Add the filter to the given handlers (default: the root logger's), once each. Handler filters see every
    record that propagates to them, which a logger filter would not."""
    flt = RedactingFilter()
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
    return flt

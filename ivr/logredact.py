"""Keep phone numbers, PINs, amounts and names out of the logs, by what a value is — ports, durations, ids stay.

A logging.Filter rewrites every record (message, arguments, traceback) before any handler formats it:
- phone numbers (+/%2B/00 and 7+ digits, however grouped) → <phone>;
- numbers said to be money or a PIN by their neighbours (a currency code or name, "pin", "paid", "balance",
  "amount=", …) and numbers written like money (1,500) → <num>; so is any other run of 4+ digits (it could be a
  PIN or an amount) unless its neighbours say what it is: a port ("port 8000", "host:9092"), a duration or size
  ("350 ms", "1.5 s", "12%"), a count of things ("3 calls"), a process id; dates, times, IP addresses, UUIDs,
  hex ids and word ids ("m-0001", "t-000123") are left alone; 1-3 digit counts are readable;
- values of name-like keys (name=, member_name=, Name(text=…), input_value=…) → <name>, and the parameter list of
  a SQL error ([parameters: …], SQLAlchemy's echo) → <parameters>, so a traceback never prints row values.
`Visible(x)` marks an argument to log as is. `install()` attaches the filter to handlers (default: root's);
`install_uvicorn()` and `uvicorn_log_config()` do it for uvicorn's own handlers, which bypass the root logger.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

PHONE = "<phone>"
NUMBER = "<num>"
NAME = "<name>"
PARAMS = "<parameters>"

_CURRENCY_CODES = ("KES|TZS|UGX|USD|RWF|BIF|ETB|NGN|GHS|ZAR|XOF|XAF|EUR|GBP|INR|MWK|ZMW|SLL|LRD|SSP|CDF|MZN|"
                   "KSH|TSH|USH")
_MONEY_WORDS = (r"pin|pins|amount|amounts|amount_minor|minor|balance|balances|savings|saved|save|paid|pay|pays|"
                r"payment|owes|owe|owed|owing|loan|loans|fine|fines|total|totals|repaid|repay|repayment|withdrew|"
                r"withdrawal|withdrawals|share|shares|money|sum|due|deposit|deposited|contribution|disbursed|"
                r"disbursement|principal|interest|outstanding|cash|fund|shilling|shillings|shilingi|dollar|dollars|"
                r"cents|" + _CURRENCY_CODES)
# a number right after one of these words (or "word=", "word:") is what the word says it is
_SAFE_BEFORE = (r"port|ports|pid|process|line|lines|attempt|attempts|try|tries|retry|retries|row|rows|seq|"
                r"revision|version|status|code|errno|http|id|index|batch|batches|size|len|length|count|chunk|"
                r"frame|frames|page|worker|workers|thread|threads|step|level|cause|priority|timeout|rate|hz|"
                r"channel|uniqueid|recording|draft|meeting|entry|entries|turn|turns|call|calls|group|groups")
# ... or right before one of these (a unit, or a count of things)
_SAFE_AFTER = (r"ms|s|sec|secs|second|seconds|min|mins|minute|minutes|h|hour|hours|day|days|%|b|kb|kib|mb|mib|"
               r"gb|gib|bytes?|hz|khz|x|fps|calls?|call\(s\)|turns?|frames?|rows?|values?|files?|keys?|guards?|"
               r"entries|entry|members?|memberships?|groups?|meetings?|recordings?|recording\(s\)|orphan|spools?|"
               r"spool\(s\)|prompts?|phrases?|candidates|new|retries|attempts|times|lines|chunks|batches|items|"
               r"tasks?|workers?|threads?|connections?|bytes|samples|utterances|voices?|models?|tests?")
# a money/PIN word up to three words before the number ("pin code 4821", "paid KES 500", "balance=250")
_MONEY_BEFORE = re.compile(rf"(?i)\b(?:{_MONEY_WORDS})\b(?:[^\w\n]+[A-Za-z_]\w*){{0,3}}[^\w\n]*$")
_MONEY_AFTER = re.compile(rf"(?i)^\s*(?:{_CURRENCY_CODES}|shillings?|shilingi|dollars?|cents)\b")
_SAFE_BEFORE_RE = re.compile(rf"(?i)\b(?:{_SAFE_BEFORE})[\s=:#\[(]*$")
_SAFE_AFTER_RE = re.compile(rf"(?i)^\s?(?:{_SAFE_AFTER})(?![\w])")

# Scanned left to right; at each position the first alternative that matches wins. Everything but <phone> and
# <num> is kept as it is; <num> is decided by the neighbours (_is_sensitive_number).
_TOKEN = re.compile(
    r"(?P<uuid>(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"(?![0-9A-Za-z]))"
    r"|(?P<hex>(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}(?![0-9A-Za-z]))"
    r"|(?P<datetime>(?<![\d.])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"(?![\d])|(?<![\d:.])\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?![\d:]))"
    r"|(?P<ip>(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\d.])|\[[0-9a-fA-F:]*:[0-9a-fA-F:.]*\](?::\d{1,5})?)"
    r"|(?P<phone>(?:\+|%2[bB]|(?<![\w.])00)\d(?:[\s().-]{0,2}\d){6,}"
    r"|(?<![\w.,])\(?\d(?:\)?[\s-]{0,2}\(?\d){8,}(?![\w,]|\.\d))"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*(?:[-./][A-Za-z0-9_]+)*)"
    # an identifier that starts with digits: a revision "0005_pin_guards", a hash-named file "3f…_x"
    r"|(?P<idnum>(?<![\w.])\d+_[A-Za-z0-9_]*(?:[-./][A-Za-z0-9_]+)*)"
    r"|(?P<port>(?<=[A-Za-z\]]):\d{1,5}(?!\d))"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
)
# name-like keys whose value is a person's name (or the caller's words); the value ends at a quote or delimiter
_NAMED = re.compile(
    r"(?i)(?P<key>\b(?:name|names|member_name|first_name|caller_name|recorder_name|nickname|secretary|full_name|"
    r"display_name|transcript|text|input_value)\b['\"]?\s*[=:]\s*)"
    r"(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s,;)\]}]+(?: [A-Z][a-z]+)*)"
)
# SQLAlchemy error text: "[SQL: ...]\n[parameters: (...)]" — the values of the failed statement's row
_SQL_PARAMS = re.compile(r"\[parameters: .*?\](?=\s*(?:\n|\(Background|$))", re.S)
_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
_MARK = "\ue000"  # private-use character framing a Visible argument while the message is redacted


class Visible(str):
    """Mark a value that is safe to log as is (a count or duration): `log.info("took %s ms", Visible(ms))`."""

    __slots__ = ()

    def __new__(cls, value: object) -> Visible:
        return super().__new__(cls, str(value))


def _is_sensitive_number(text: str, start: int, end: int) -> bool:
    number = text[start:end]
    before, after = text[max(0, start - 40):start], text[end:end + 24]
    if _MONEY_BEFORE.search(before) or _MONEY_AFTER.match(after):
        return True
    if re.search(r"\d,\d{3}(?:\D|$)", number):  # grouped thousands: written like money
        return True
    if _SAFE_BEFORE_RE.search(before) or _SAFE_AFTER_RE.match(after):
        return False
    digits = sum(ch.isdigit() for ch in number.split(".")[0])
    return digits >= 4  # could be a PIN or an amount; 1-3 digit counts stay readable


def _scan(text: str) -> str:
    out: list[str] = []
    last = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "phone":
            out.append(text[last:m.start()] + PHONE)
        elif kind == "num" and _is_sensitive_number(text, m.start(), m.end()):
            out.append(text[last:m.start()] + NUMBER)
        else:
            continue
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _name(m: re.Match[str]) -> str:
    value = m.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{m.group('key')}{quote}{NAME}{quote}"


def redact(text: str) -> str:
    """Mask phones, PINs, amounts, names and SQL parameters in `text`; leave ports, durations, dates and ids."""
    text = _SQL_PARAMS.sub(f"[parameters: {PARAMS}]", text)
    text = _NAMED.sub(_name, text)
    return _scan(text)


def _format(record: logging.LogRecord) -> str:
    """The record's message with Visible arguments protected from redaction."""
    args = record.args
    if not args:
        return redact(str(record.msg))
    kept: list[str] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Visible):
            kept.append(str(value))
            return f"{_MARK}{chr(0xE100 + len(kept) - 1)}{_MARK}"
        return value

    if isinstance(args, Mapping):
        safe: Any = {k: mark(v) for k, v in args.items()}
    else:
        safe = tuple(mark(a) for a in args)
    template = str(record.msg)
    if kept:  # a %d given a placeholder string must not fail: Visible values are strings anyway
        template = _SPEC.sub(lambda m: m.group(0) if m.group(0).endswith(("s", "r", "a"))
                             else re.sub(r"[diouxXeEfFgGc]$", "s", m.group(0)), template)
    text = redact(template % safe)
    for i, value in enumerate(kept):
        text = text.replace(f"{_MARK}{chr(0xE100 + i)}{_MARK}", value)
    return text


def _redact_args_in_place(args: Any) -> Any:
    """For records a custom formatter unpacks (uvicorn's access log): same shape, strings redacted."""
    if isinstance(args, Mapping):
        return {k: redact(v) if isinstance(v, str) else v for k, v in args.items()}
    return tuple(redact(a) if isinstance(a, str) else a for a in args)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message and exception text with sensitive values masked (see the module doc)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):  # already done by another handler's filter
            return True
        try:
            if record.name.startswith("sqlalchemy.engine") and isinstance(record.args, tuple | list | dict) \
                    and not isinstance(record.args, Visible):
                # echo=True logs each statement's parameters as the argument: never their values
                record.msg, record.args = redact(str(record.msg)) + " " + PARAMS, None
            elif record.name == "uvicorn.access" and record.args:
                record.args = _redact_args_in_place(record.args)
            else:
                record.msg, record.args = _format(record), None
        except (TypeError, ValueError, KeyError):
            # a template that does not match its args: log the masked pieces rather than crash or leak
            record.msg, record.args = redact(f"{record.msg} {record.args!r}"), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _redact_traceback(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = _redact_traceback(record.exc_text)
        if record.stack_info:
            record.stack_info = _redact_traceback(record.stack_info)
        record._redacted = True
        return True


def _redact_traceback(text: str) -> str:
    # frame lines ('  File "x.py", line 12, in f') are code locations; the rest may quote data (SQL parameters
    # can span lines, so they are masked on the whole text first)
    text = _SQL_PARAMS.sub(f"[parameters: {PARAMS}]", text)
    return "\n".join(line if line.lstrip().startswith('File "') else redact(line) for line in text.splitlines())


def install(handlers: Iterable[logging.Handler] | None = None) -> RedactingFilter:
    """Add the filter to the given handlers (default: the root logger's), once each. Handler filters see every
    record that propagates to them, which a logger filter would not."""
    flt = RedactingFilter()
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
    return flt


UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def install_uvicorn() -> RedactingFilter:
    """Attach the filter to the handlers uvicorn configured for its own loggers (call after uvicorn.Config is
    built, e.g. at the start of the app's lifespan), plus the root's."""
    handlers = [h for name in UVICORN_LOGGERS for h in logging.getLogger(name).handlers]
    return install([*handlers, *logging.getLogger().handlers])


def uvicorn_log_config(base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """uvicorn's LOGGING_CONFIG (or `base`) with the redaction filter on every handler: pass it as
    `uvicorn.run(..., log_config=uvicorn_log_config())` so uvicorn's own handlers redact from the first line."""
    if base is None:
        from uvicorn.config import LOGGING_CONFIG

        base = LOGGING_CONFIG
    config = copy.deepcopy(dict(base))
    config.setdefault("filters", {})["redact"] = {"()": "ivr.logredact.RedactingFilter"}
    for handler in config.get("handlers", {}).values():
        handler["filters"] = [*handler.get("filters", []), "redact"]
    return config

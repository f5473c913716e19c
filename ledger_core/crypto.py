"""Field encryption of the reference ledger: members' names and phone numbers are Fernet tokens at rest, and phones
are found by a keyed hash — the same promise the IVR keeps (models/crypto.py), with the ledger's own keys.

ledger_core is a separate service (it never imports the IVR's models/): its keys come from its own settings,
`IVR_LEDGER_CORE__ENCRYPTION_KEYS` (a JSON list of Fernet keys, primary first) and
`IVR_LEDGER_CORE__LOOKUP_HASH_KEY`. In development (IVR_ENV unset or "development"), when they are not set, keys
are generated once into a key file (0600): `IVR_LEDGER_CORE__KEY_FILE`, or `<database file>.keys.json` next to a
SQLite database (so the database and its keys travel together, as the demo and the tests copy them), or
`var/ledger_core.keys.json`. Elsewhere a missing key stops the service with the setting names.

The keys ride on the engine's dialect (make_engine attaches them), so two ledgers with different keys can live in
one process (tests) and every column type finds its engine's keys without a global.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

KEYS_ENV = "IVR_LEDGER_CORE__ENCRYPTION_KEYS"
LOOKUP_ENV = "IVR_LEDGER_CORE__LOOKUP_HASH_KEY"
KEY_FILE_ENV = "IVR_LEDGER_CORE__KEY_FILE"
DEFAULT_KEY_FILE = Path("var/ledger_core.keys.json")
TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80 + timestamp), base64url


class LedgerKeysMissing(RuntimeError):
    """No usable encryption keys for the ledger database (names the settings that fix it)."""


class LedgerKeys:
    """Fernet keys (primary first) and the HMAC key of the phone lookup hash."""

    def __init__(self, fernet_keys: Sequence[str], lookup_key: str) -> None:
        if not fernet_keys or not lookup_key:
            raise LedgerKeysMissing(f"the ledger needs {KEYS_ENV} and {LOOKUP_ENV}")
        try:
            self._multi = MultiFernet([Fernet(k.encode()) for k in fernet_keys])
        except (ValueError, TypeError) as exc:
            raise LedgerKeysMissing(f"an entry of {KEYS_ENV} is not a Fernet key") from exc
        self.fernet_keys = tuple(fernet_keys)
        self._lookup_key = lookup_key.encode()

    def encrypt(self, value: str) -> str:
        return self._multi.encrypt(value.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._multi.decrypt(token.encode("ascii")).decode()
        except InvalidToken as exc:
            raise LedgerKeysMissing(f"a ledger value does not decrypt with {KEYS_ENV}: add the key it was written "
                                    "with (primary first)") from exc

    def lookup(self, phone: str) -> str:
        return hmac.new(self._lookup_key, canonical_phone(phone).encode(), hashlib.sha256).hexdigest()


def canonical_phone(raw: str) -> str:
    """'+254 712-345 678' -> '+254712345678' (the form lookups hash; queries.normalise_phone also validates)."""
    cleaned = re.sub(r"[\s\-().]", "", raw)
    return "+" + cleaned if cleaned[:1].isdigit() else cleaned


def generate_keys() -> dict[str, Any]:
    return {"encryption_keys": [Fernet.generate_key().decode()],
            "lookup_hash_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}


def default_key_file(database_url: str) -> Path:
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and ":memory:" not in database_url:
        db = Path(database_url[len(prefix):])
        return db.with_name(db.name + ".keys.json")
    return DEFAULT_KEY_FILE


def _parse_keys(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith("["):
        return [str(k) for k in json.loads(raw)]
    return [k.strip() for k in raw.split(",") if k.strip()]


def _read_or_create(path: Path) -> dict[str, Any]:
    if path.exists():
        return dict(json.loads(path.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = generate_keys()
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2)
    try:
        os.link(tmp, path)  # never replaces a key file another process created meanwhile
    except FileExistsError:
        data = dict(json.loads(path.read_text()))
    finally:
        tmp.unlink(missing_ok=True)
    return data


def load_keys(database_url: str, *, environ: Mapping[str, str] | None = None,
              fernet_keys: Sequence[str] = (), lookup_key: str = "") -> LedgerKeys:
    """The ledger's keys: given ones, else the environment, else (development only) the key file."""
    env = os.environ if environ is None else environ
    keys = list(fernet_keys) or _parse_keys(env.get(KEYS_ENV, ""))
    lookup = lookup_key or env.get(LOOKUP_ENV, "")
    if keys and lookup:
        return LedgerKeys(keys, lookup)
    if env.get("IVR_ENV", "development") != "development":
        raise LedgerKeysMissing(f"the reference ledger encrypts names and phone numbers: set {KEYS_ENV} (a JSON "
                                f"list of Fernet keys) and {LOOKUP_ENV} (outside development they are never "
                                "generated)")
    path = Path(env.get(KEY_FILE_ENV) or default_key_file(database_url))
    stored = _read_or_create(path)
    return LedgerKeys(keys or [str(k) for k in stored["encryption_keys"]], lookup or str(stored["lookup_hash_key"]))


def attach(dialect: Dialect, keys: LedgerKeys) -> None:
    dialect.ledger_keys = keys  # type: ignore[attr-defined]


def keys_of(dialect: Dialect) -> LedgerKeys:
    keys = getattr(dialect, "ledger_keys", None)
    if not isinstance(keys, LedgerKeys):
        raise LedgerKeysMissing("this engine has no ledger keys: build it with ledger_core.db.make_engine()")
    return keys


def session_keys(session: Session) -> LedgerKeys:
    return keys_of(session.get_bind().dialect)


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


class EncryptedStr(TypeDecorator[str]):
    """A str column stored as a Fernet token with the keys of the engine it is used through."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keys_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keys_of(dialect).decrypt(value)

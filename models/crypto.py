"""PII at rest: a MultiFernet key ring (primary first), keyed lookup hashes, and encrypted column types."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class KeysNotLoaded(RuntimeError):
    """Encrypted columns were used before a key ring was installed."""


class KeyRing:
    """Fernet keys (primary first) plus the HMAC key for lookup hashes."""

    def __init__(self, fernet_keys: Sequence[str], lookup_key: str) -> None:
        if not fernet_keys:
            raise ValueError("at least one encryption key is required (IVR_SECURITY__ENCRYPTION_KEYS)")
        self.keys = list(fernet_keys)
        try:
            fernets = [Fernet(k.encode() if isinstance(k, str) else k) for k in self.keys]
        except (ValueError, TypeError) as exc:
            raise ValueError("an encryption key is not a valid Fernet key (IVR_SECURITY__ENCRYPTION_KEYS)") from exc
        self._primary = fernets[0]
        self._multi = MultiFernet(fernets)
        self._lookup_key_text = lookup_key
        self._lookup_key = lookup_key.encode()

    def with_keys(self, fernet_keys: Sequence[str]) -> KeyRing:
        """The same lookup key with another Fernet key list (for rotation and retirement)."""
        return KeyRing(fernet_keys, self._lookup_key_text)

    def is_primary(self, token: bytes) -> bool:
        """True when the primary key alone decrypts this token (i.e. it needs no rotation)."""
        try:
            self._primary.decrypt(token)
        except InvalidToken:
            return False
        return True

    def encrypt(self, data: bytes) -> bytes:
        return self._multi.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._multi.decrypt(token)
        except InvalidToken as exc:
            raise KeysNotLoaded("cannot decrypt: none of the configured keys matches this value") from exc

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt a token under the primary key (idempotent; safe to repeat after an interruption)."""
        return self._multi.rotate(token)

    def lookup_hash(self, value: str) -> str:
        """Keyed hash for equality lookups (e.g. phone numbers) without storing the clear value."""
        return hmac.new(self._lookup_key, value.encode(), hashlib.sha256).hexdigest()


_active: KeyRing | None = None


def install_keyring(ring: KeyRing) -> None:
    """Called once at app/CLI start (from settings) before any encrypted column is read or written."""
    global _active
    _active = ring


def current_keyring() -> KeyRing:
    if _active is None:
        raise KeysNotLoaded("encryption keys not loaded: build the app/CLI from settings (IVR_SECURITY__*)")
    return _active


def keyring_from_settings(settings: Any) -> KeyRing:
    sec = settings.security
    return KeyRing([k.get_secret_value() for k in sec.encryption_keys], sec.lookup_hash_key.get_secret_value())


def normalise_phone(phone: str) -> str:
    """Digits with a leading + kept, so '+254 712-345 678' and '+254712345678' hash the same."""
    phone = phone.strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" if phone.startswith("+") else "") + digits


def phone_hash(phone: str) -> str:
    return current_keyring().lookup_hash(normalise_phone(phone))


class EncryptedText(TypeDecorator[str]):
    """A str column stored as a Fernet token (ASCII), encrypted with the active key ring."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current_keyring().encrypt(value.encode()).decode("ascii")

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current_keyring().decrypt(value.encode("ascii")).decode()


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value stored as a Fernet token (for payloads holding amounts or names)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current_keyring().encrypt(json.dumps(value, sort_keys=True).encode()).decode("ascii")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(current_keyring().decrypt(value.encode("ascii")))

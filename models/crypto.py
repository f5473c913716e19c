"""PII at rest: a MultiFernet key ring (primary first), keyed lookup hashes, and encrypted column types.

A running process follows key rotation (`ivr keys rotate` in another process): the ring is installed with an
optional reloader (ivr.secrets.keyring_reloader) that is asked, at most once a second and at once when a value
does not decrypt, whether the key source changed; a new ring replaces the old one for every later value. A value
that no key decrypts even after that raises KeysNotLoaded naming the setting, and is logged — never swallowed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)
# How often the key source is checked for a rotation done by another process (a stat() of the secrets file).
RELOAD_CHECK_S = 1.0


class KeysNotLoaded(RuntimeError):
    """Encrypted columns were used before a key ring was installed, or a value needs a key this process lacks."""


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


# Returns a new KeyRing when the key source changed since the last call, else None.
Reloader = Callable[[], "KeyRing | None"]

_active: KeyRing | None = None
_reloader: Reloader | None = None
_next_check = 0.0
_reload_lock = threading.Lock()


def install_keyring(ring: KeyRing, *, reload: Reloader | None = None) -> None:
    """Called once at app/CLI start (from settings) before any encrypted column is read or written; `reload`
    lets a long-running process pick up keys rotated by another one."""
    global _active, _reloader, _next_check
    with _reload_lock:
        _active, _reloader, _next_check = ring, reload, time.monotonic() + RELOAD_CHECK_S


def fingerprint(key: str) -> str:
    """A short, non-secret name for a key (safe to log)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def reload_keyring(*, force: bool = False) -> bool:
    """Ask the reloader (at most every RELOAD_CHECK_S unless forced) for a newer ring; True when one was installed."""
    global _active, _next_check
    if _reloader is None:
        return False
    now = time.monotonic()
    if not force and now < _next_check:
        return False
    with _reload_lock:
        if not force and now < _next_check:
            return False
        _next_check = now + RELOAD_CHECK_S
        try:
            ring = _reloader()
        except Exception as exc:  # a half-written or unreadable source: keep the ring we have, say so
            log.error("could not reload the encryption keys (%s); keeping the current ones", type(exc).__name__)
            return False
        if ring is None or (_active is not None and ring.keys == _active.keys):
            return False
        _active = ring
    log.warning("encryption keys reloaded: primary key %s, %s keys in the ring", fingerprint(ring.keys[0]),
                len(ring.keys))
    return True


def current_keyring() -> KeyRing:
    if _active is None:
        raise KeysNotLoaded("encryption keys not loaded: build the app/CLI from settings (IVR_SECURITY__*)")
    reload_keyring()
    assert _active is not None
    return _active


def decrypt(token: bytes) -> bytes:
    """Decrypt with the active ring; when no key matches, reload the ring once (a rotation may have happened in
    another process) and retry; still no key: KeysNotLoaded naming the setting, and an error in the log."""
    try:
        return current_keyring().decrypt(token)
    except KeysNotLoaded:
        if reload_keyring(force=True):
            try:
                return current_keyring().decrypt(token)
            except KeysNotLoaded:
                pass
    assert _active is not None
    log.error("a stored value needs an encryption key this process does not have (ring: %s): add it to "
              "IVR_SECURITY__ENCRYPTION_KEYS (see `ivr keys status`)", ", ".join(fingerprint(k) for k in _active.keys))
    raise KeysNotLoaded("cannot decrypt: none of the configured keys matches this value; add the key it was "
                        "written with to IVR_SECURITY__ENCRYPTION_KEYS (`ivr keys status` lists what is needed)")


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
        return decrypt(value.encode("ascii")).decode()


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
        return json.loads(decrypt(value.encode("ascii")))

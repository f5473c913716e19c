"""Secret handling: refuse placeholders outside development; generate missing dev secrets once into a 0600 file."""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet
from pydantic import SecretStr

if TYPE_CHECKING:
    from ivr.settings import Settings
    from models.crypto import KeyRing, Reloader

log = logging.getLogger(__name__)

# Values people paste from examples; none of them may guard real data.
PLACEHOLDERS = {"", "changeme", "change-me", "changethis", "secret", "placeholder", "xxx", "todo", "password"}


class InsecureSettings(RuntimeError):
    """A secret is missing or holds a placeholder outside development mode."""


def _is_placeholder(value: SecretStr | str | None) -> bool:
    raw = value.get_secret_value() if isinstance(value, SecretStr) else (value or "")
    return raw.strip().lower() in PLACEHOLDERS


def _generate() -> dict[str, object]:
    return {
        "encryption_keys": [Fernet.generate_key().decode()],
        "lookup_hash_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "admin_api_keys": [f"dev-admin:admin:{secrets.token_urlsafe(24)}"],
        "ami_secret": secrets.token_urlsafe(18),
        # Asterisk's dialplan sends it as X-IVR-Token (asterisk/README.md: REGISTER_TOKEN)
        "register_token": secrets.token_urlsafe(24),
    }


# setting name -> key in the secrets file
FILE_KEYS = {
    "IVR_SECURITY__ENCRYPTION_KEYS": "encryption_keys",
    "IVR_SECURITY__LOOKUP_HASH_KEY": "lookup_hash_key",
    "IVR_SECURITY__ADMIN_API_KEYS": "admin_api_keys",
    "IVR_AMI__SECRET": "ami_secret",
    "IVR_CALLS__REGISTER_TOKEN": "register_token",
}


def read_secrets_file(settings: Settings) -> dict[str, object]:
    path = settings.security.secrets_file
    if path.exists():
        return dict(json.loads(path.read_text()))
    return {}


def write_secrets_file(settings: Settings, data: dict[str, object]) -> None:
    """Write the dev secrets file atomically with 0600 permissions."""
    path = settings.security.secrets_file
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)
    os.chmod(path, 0o600)


def ensure_secrets(settings: Settings) -> Settings:
    """Return settings with usable secrets, or raise InsecureSettings naming the setting to fix."""
    sec = settings.security
    missing = {
        "IVR_SECURITY__ENCRYPTION_KEYS": not sec.encryption_keys
        or any(_is_placeholder(k) for k in sec.encryption_keys),
        "IVR_SECURITY__LOOKUP_HASH_KEY": _is_placeholder(sec.lookup_hash_key),
        "IVR_SECURITY__ADMIN_API_KEYS": not sec.admin_api_keys
        or any(_is_placeholder(k) for k in sec.admin_api_keys),
        "IVR_AMI__SECRET": _is_placeholder(settings.ami.secret),
        # without it anyone who reaches the HTTP port could register calls (and pick any caller ID)
        "IVR_CALLS__REGISTER_TOKEN": _is_placeholder(settings.calls.register_token),
    }
    if not any(missing.values()):
        return settings
    if settings.env != "development":
        names = ", ".join(k for k, bad in missing.items() if bad)
        raise InsecureSettings(f"missing or placeholder secrets outside development mode: set {names}")

    stored = read_secrets_file(settings)
    fresh = _generate()
    added = [name for name, key in FILE_KEYS.items() if missing[name] and key not in stored]
    if added:  # a new file, or one written before a secret existed (e.g. the registration token)
        for name in added:
            stored[FILE_KEYS[name]] = fresh[FILE_KEYS[name]]
        write_secrets_file(settings, stored)
        log.warning("generated development secrets %s into %s (0600); do not use them in production",
                    ", ".join(added), sec.secrets_file)
    if missing["IVR_CALLS__REGISTER_TOKEN"]:
        log.info("call registration token (IVR_CALLS__REGISTER_TOKEN): `register_token` in %s — give Asterisk the "
                 "same value as REGISTER_TOKEN", sec.secrets_file)
    new_sec = sec.model_copy()
    if missing["IVR_SECURITY__ENCRYPTION_KEYS"]:
        new_sec.encryption_keys = [SecretStr(str(k)) for k in stored["encryption_keys"]]  # type: ignore[attr-defined]
    if missing["IVR_SECURITY__LOOKUP_HASH_KEY"]:
        new_sec.lookup_hash_key = SecretStr(str(stored["lookup_hash_key"]))
    if missing["IVR_SECURITY__ADMIN_API_KEYS"]:
        new_sec.admin_api_keys = [SecretStr(str(k)) for k in stored["admin_api_keys"]]  # type: ignore[attr-defined]
    ami = settings.ami.model_copy()
    if missing["IVR_AMI__SECRET"]:
        ami.secret = SecretStr(str(stored["ami_secret"]))
    calls = settings.calls.model_copy()
    if missing["IVR_CALLS__REGISTER_TOKEN"]:
        calls.register_token = SecretStr(str(stored["register_token"]))
    return settings.model_copy(update={"security": new_sec, "ami": ami, "calls": calls})


def _file_keys(settings: Settings) -> list[str] | None:
    keys = read_secrets_file(settings).get("encryption_keys")
    return [str(k) for k in keys] if isinstance(keys, list) and keys else None


def keyring_reloader(settings: Settings) -> Reloader | None:
    """When this process's encryption keys come from the development secrets file, a function that re-reads the
    file after it changed (as `ivr keys rotate` / `retire` in another process rewrite it) and returns the new ring.
    Keys given in the environment cannot change under a running process: restart it with the new list."""
    path = settings.security.secrets_file
    configured = [k.get_secret_value() for k in settings.security.encryption_keys]
    if settings.env != "development" or _file_keys(settings) != configured:
        return None
    lookup = settings.security.lookup_hash_key.get_secret_value()
    seen = {"mtime": path.stat().st_mtime_ns if path.exists() else 0}

    from models.crypto import KeyRing

    def reload() -> KeyRing | None:
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if mtime == seen["mtime"]:
            return None
        seen["mtime"] = mtime
        keys = _file_keys(settings)
        return KeyRing(keys, lookup) if keys else None

    return reload


def install_keys(settings: Settings) -> KeyRing:
    """Install the key ring of `settings` for this process, following rotations when the keys live in the secrets
    file (long-running processes: the IVR, `ivr reminders run --every`)."""
    from models.crypto import install_keyring, keyring_from_settings  # (sqlalchemy: only for commands that need keys)

    ring = keyring_from_settings(settings)
    install_keyring(ring, reload=keyring_reloader(settings))
    return ring

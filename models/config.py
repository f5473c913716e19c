"""Settings sections owned by models/: the IVR's database and its secrets (composed into ivr.settings.Settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field, SecretStr


class DatabaseSettings(BaseModel):
    """The IVR's own database (calls, turns, outbox, PINs, consent, audit)."""

    # SQLite in WAL mode is the embedded default; a postgresql+psycopg:// URL works with the same migrations.
    url: str = "sqlite:///var/ivr.db"
    # Log every SQL statement (values stay encrypted); for debugging only.
    echo: bool = False


class SecuritySettings(BaseModel):
    """Secrets. In development missing ones are generated into `var/secrets.json` (0600) once."""

    # Fernet keys, primary first. `ivr keys rotate` prepends a new one and re-encrypts everything.
    encryption_keys: list[SecretStr] = Field(default_factory=list)
    # HMAC key for the phone-number lookup hash column (never the clear number).
    lookup_hash_key: SecretStr = SecretStr("")
    # API keys for the admin/ops API, as "name:role:key" strings.
    admin_api_keys: list[SecretStr] = Field(default_factory=list)
    # Where development secrets are kept (git-ignored, 0600).
    secrets_file: Path = Path("var/secrets.json")


class HasDatabase(Protocol):
    """Anything carrying a `database` section (the root Settings, or a test's own object)."""

    @property
    def database(self) -> DatabaseSettings: ...


class HasDataDir(Protocol):
    """Anything carrying the local state directory (recordings, spools live under it)."""

    @property
    def data_dir(self) -> Path: ...

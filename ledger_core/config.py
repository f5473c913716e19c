"""Settings section of the reference core ledger service (env IVR_LEDGER_CORE__<NAME>)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr


class LedgerCoreSettings(BaseModel):
    """The reference core ledger service (ledger_core/), for local runs, demos and tests."""

    # Its own database, never the IVR's; a postgresql+psycopg:// URL works too.
    database_url: str = "sqlite:///var/ledger_core.db"
    # Loopback by default: the reference ledger has no authentication.
    host: str = "127.0.0.1"
    # Must match ledger.base_url, which is where the IVR looks for it.
    port: int = 8100
    # Fernet keys (JSON list, primary first) encrypting members' names and phone numbers in the ledger database.
    # Development generates them into key_file when unset; required elsewhere (ledger_core/crypto.py).
    encryption_keys: list[SecretStr] = Field(default_factory=list)
    # HMAC key of the ledger's phone lookup hash (generated with the keys in development).
    lookup_hash_key: SecretStr = SecretStr("")
    # Development key file; unset = "<database file>.keys.json" next to a SQLite database, else
    # var/ledger_core.keys.json.
    key_file: Path | None = None

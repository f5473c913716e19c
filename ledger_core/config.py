"""Settings section of the reference core ledger service (env IVR_LEDGER_CORE__<NAME>)."""

from __future__ import annotations

from pydantic import BaseModel


class LedgerCoreSettings(BaseModel):
    """The reference core ledger service (ledger_core/), for local runs, demos and tests."""

    # Its own database, never the IVR's; a postgresql+psycopg:// URL works too.
    database_url: str = "sqlite:///var/ledger_core.db"
    # Loopback by default: the reference ledger has no authentication.
    host: str = "127.0.0.1"
    # Must match ledger.base_url, which is where the IVR looks for it.
    port: int = 8100

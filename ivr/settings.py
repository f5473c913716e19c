"""The one settings class (env prefix IVR_, nested sections with `__`), built at app/CLI start and injected."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from dialogs.config import DialogSettings
from ivr.calls.config import CallSettings
from ivr.reminders.config import RemindersSettings
from ivr.secrets import ensure_secrets
from ivr.softphone.config import SoftphoneSettings
from nlu.config import NluSettings
from speech.config import SpeechSettings

log = logging.getLogger(__name__)


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


class LedgerSettings(BaseModel):
    """How the IVR reaches the core ledger over HTTP."""

    # Where the core ledger's /v1 API lives (the reference ledger_core by default).
    base_url: str = "http://127.0.0.1:8100"
    # Callers are waiting on the line: a read must answer fast or fall back to the cache.
    connect_timeout_s: float = 1.0
    # Longest wait for the ledger's answer once connected.
    read_timeout_s: float = 2.0
    # Idempotent calls (GETs, idempotency-keyed posts) are retried with exponential backoff.
    retries: int = 2
    # First backoff delay, doubled after each failed try (also the outbox drainer's first backoff).
    backoff_s: float = 0.2
    # How often the outbox drainer retries pending writes while the core is unreachable.
    outbox_drain_interval_s: float = 5.0
    # Most outbox entries posted in one request (consecutive entries of the same meeting are batched).
    outbox_batch_size: int = 100


class LedgerCoreSettings(BaseModel):
    """The reference core ledger service (ledger_core/), for local runs, demos and tests."""

    # Its own database, never the IVR's; a postgresql+psycopg:// URL works too.
    database_url: str = "sqlite:///var/ledger_core.db"
    # Loopback by default: the reference ledger has no authentication.
    host: str = "127.0.0.1"
    # Must match ledger.base_url, which is where the IVR looks for it.
    port: int = 8100


class HttpSettings(BaseModel):
    """The IVR's FastAPI app (call registration, admin API, softphone)."""

    # Loopback by default; put a reverse proxy in front for anything else.
    host: str = "127.0.0.1"
    # Call registration (Asterisk CURL()), admin API and the browser softphone.
    port: int = 8000


class AudioSocketSettings(BaseModel):
    """The AudioSocket TCP server Asterisk connects to (binds loopback by default)."""

    # Where Asterisk's AudioSocket() connects; loopback unless Asterisk runs on another host.
    host: str = "127.0.0.1"
    # AudioSocket TCP port (the dialplan's AudioSocket(uuid,host:port)).
    port: int = 9092
    # Outbound playout tick: Asterisk frames slin in 20 ms (320 bytes at 8 kHz); we send exactly that, on a clock.
    frame_ms: int = Field(default=20, ge=10, le=60)
    # The AudioSocket app only speaks 8 kHz (kind 0x10); the channel driver can do 12..192 kHz (0x11..0x18).
    sample_rate: Literal[8000, 12000, 16000, 24000, 32000, 44100, 48000, 96000, 192000] = 8000
    # Longest inbound audio frame accepted: one channel frame per message, up to ptime 60 on trunks (see codec).
    max_inbound_frame_ms: int = Field(default=60, ge=20, le=170)
    # Asterisk writes the UUID frame right after connecting; a peer silent this long is not Asterisk.
    uuid_timeout_s: float = 2.0
    # An outbound frame sent more than this after its slot is "late" (counted; jitter the caller may hear).
    late_frame_ms: float = 40.0


class AmiSettings(BaseModel):
    """Asterisk Manager Interface for outbound calls and transfers."""

    # Asterisk's manager interface (manager.conf); keep it on a private network.
    host: str = "127.0.0.1"
    # AMI TCP port.
    port: int = 5038
    # The manager.conf user the IVR logs in as.
    username: str = "mikashboks"
    # Its secret (never logged); generated in development, required elsewhere.
    secret: SecretStr = SecretStr("")
    # TCP connect + banner + Login must finish within this.
    connect_timeout_s: float = 5.0
    # An action's Response must arrive within this (the OriginateResponse event comes later, see originate_timeout).
    action_timeout_s: float = 10.0
    # Reconnect after a lost connection: exponential backoff from initial to max (doubling each failure).
    reconnect_initial_s: float = 0.5
    # Longest wait between reconnect attempts.
    reconnect_max_s: float = 30.0
    # A Ping this often detects a half-open connection that TCP alone would notice only much later.
    ping_interval_s: float = 20.0
    # How long an outbound reminder call rings before Asterisk gives up (Originate Timeout, ms on the wire).
    originate_ring_s: float = 30.0
    # Dialplan contexts shipped in asterisk/extensions.conf.
    outbound_context: str = "mikashboks-outbound"
    # Context an AMI Redirect sends a call to when the caller asks for a person.
    transfer_context: str = "mikashboks-transfer"


class Settings(BaseSettings):
    """Everything configurable. Build with `load_settings()`; never at import time."""

    model_config = SettingsConfigDict(
        env_prefix="IVR_", env_nested_delimiter="__", env_file=None, extra="ignore"
    )

    # development generates missing secrets into var/secrets.json; test/production refuse missing or placeholder ones.
    env: Literal["development", "test", "production"] = "development"
    # Python logging level; messages are redacted (phones, PINs, amounts) whatever the level.
    log_level: str = "INFO"
    # Local state (databases, secrets, caches, models) lives here unless a setting says otherwise.
    data_dir: Path = Path("var")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    ledger: LedgerSettings = Field(default_factory=LedgerSettings)
    ledger_core: LedgerCoreSettings = Field(default_factory=LedgerCoreSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    audiosocket: AudioSocketSettings = Field(default_factory=AudioSocketSettings)
    ami: AmiSettings = Field(default_factory=AmiSettings)
    nlu: NluSettings = Field(default_factory=NluSettings)
    speech: SpeechSettings = Field(default_factory=SpeechSettings)
    dialogs: DialogSettings = Field(default_factory=DialogSettings)
    calls: CallSettings = Field(default_factory=CallSettings)
    reminders: RemindersSettings = Field(default_factory=RemindersSettings)
    softphone: SoftphoneSettings = Field(default_factory=SoftphoneSettings)


def load_settings(**overrides: object) -> Settings:
    """Build settings from env + overrides, then make sure every secret is usable (see ivr.secrets)."""
    settings = Settings(**overrides)  # type: ignore[arg-type]
    return ensure_secrets(settings)

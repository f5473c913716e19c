"""The one settings class (env prefix IVR_, nested sections with `__`), built at app/CLI start and injected.

Each package owns its section (models/config.py, ledger_client/config.py, speech/config.py, nlu/config.py,
dialogs/config.py, ivr/<part>/config.py); this module only composes them. Nothing below `ivr` imports it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dialogs.config import DialogSettings
from ivr.ami.config import AmiSettings
from ivr.audiosocket.config import AudioSocketSettings
from ivr.callbacks.config import CallbackSettings
from ivr.calls.config import CallSettings
from ivr.console.config import ConsoleSettings
from ivr.ops.config import OpsSettings
from ivr.reminders.config import RemindersSettings
from ivr.secrets import ensure_secrets
from ivr.sms.config import SmsSettings
from ivr.softphone.config import SoftphoneSettings
from languages.config import LanguageSettings
from ledger_client.config import LedgerSettings
from ledger_core.config import LedgerCoreSettings
from models.config import DatabaseSettings, SecuritySettings
from nlu.config import NluSettings
from speech.config import SpeechSettings

log = logging.getLogger(__name__)


class HttpSettings(BaseModel):
    """The IVR's FastAPI app (call registration, admin API, softphone)."""

    # Loopback by default; put a reverse proxy in front for anything else.
    host: str = "127.0.0.1"
    # Call registration (Asterisk CURL()), admin API and the browser softphone.
    port: int = 8000
    # Largest request body accepted (bytes), checked before the body is read: the admin API takes small JSON and
    # a call registration is four short fields (its own limit is 2,048); anything bigger gets 413, never buffered.
    max_body_bytes: int = Field(default=65536, ge=1024)


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
    languages: LanguageSettings = Field(default_factory=LanguageSettings)
    calls: CallSettings = Field(default_factory=CallSettings)
    reminders: RemindersSettings = Field(default_factory=RemindersSettings)
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings)
    sms: SmsSettings = Field(default_factory=SmsSettings)
    softphone: SoftphoneSettings = Field(default_factory=SoftphoneSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    ops: OpsSettings = Field(default_factory=OpsSettings)


def load_settings(**overrides: object) -> Settings:
    """Build settings from env + overrides, then make sure every secret is usable (see ivr.secrets)."""
    settings = Settings(**overrides)  # type: ignore[arg-type]
    return ensure_secrets(settings)

"""docker-compose.yml agrees with ivr/settings.py: every IVR_* variable is a real setting, ports line up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from cryptography.fernet import Fernet
from pydantic import BaseModel

from ivr.settings import AmiSettings, AudioSocketSettings, HttpSettings, LedgerCoreSettings, Settings

ROOT = Path(__file__).resolve().parents[2]
_INTERP = re.compile(r"\$\{([A-Z_]+)(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_of(compose: dict[str, Any], service: str) -> dict[str, str]:
    return {k: str(v) for k, v in compose["services"][service].get("environment", {}).items()}


def interpolate(value: str, values: dict[str, str]) -> str:
    return _INTERP.sub(lambda m: values[m.group(1)], value)


def setting_exists(name: str) -> bool:
    """IVR_A__B__C → Settings.a.b.c, walking nested pydantic models like pydantic-settings does."""
    model: type[BaseModel] = Settings
    parts = name.removeprefix("IVR_").lower().split("__")
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return False
        if i < len(parts) - 1:
            sub = field.annotation
            if not (isinstance(sub, type) and issubclass(sub, BaseModel)):
                return False
            model = sub
    return True


def test_every_ivr_variable_is_a_real_setting(compose: dict[str, Any]) -> None:
    names = {k for svc in compose["services"] for k in env_of(compose, svc) if k.startswith("IVR_")}
    assert len(names) >= 15
    unknown = sorted(n for n in names if not setting_exists(n))
    assert not unknown, f"docker-compose sets variables that are not settings: {unknown}"
    assert not setting_exists("IVR_AMI__NO_SUCH") and not setting_exists("IVR_NOPE")  # the checker can fail


def test_ivr_environment_builds_valid_production_settings(compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    secrets = {"IVR_ENCRYPTION_KEY": Fernet.generate_key().decode(), "IVR_LOOKUP_HASH_KEY": "k" * 32,
               "IVR_ADMIN_API_KEY": "ops:admin:" + "a" * 32, "AMI_SECRET": "ami-" + "s" * 20,
               "POSTGRES_PASSWORD": "pg-pass", "REGISTER_TOKEN": "reg-" + "t" * 24,
               "REMINDER_CALLER_ID_NUMBER": "+254700999000",
               "LEDGER_ENCRYPTION_KEY": Fernet.generate_key().decode(), "LEDGER_LOOKUP_HASH_KEY": "l" * 32}
    for svc in ("ivr", "ledger-core"):
        for k, v in env_of(compose, svc).items():
            monkeypatch.setenv(k, interpolate(v, secrets))
    s = Settings()
    assert s.env == "production"
    assert s.ami.secret.get_secret_value() == secrets["AMI_SECRET"]
    assert s.security.encryption_keys[0].get_secret_value() == secrets["IVR_ENCRYPTION_KEY"]
    assert s.database.url.startswith("postgresql+psycopg://")
    assert s.calls.register_token.get_secret_value() == secrets["REGISTER_TOKEN"]
    assert s.reminders.caller_id_number == "+254700999000"  # required for dialling outside development
    assert s.ledger_core.encryption_keys[0].get_secret_value() == secrets["LEDGER_ENCRYPTION_KEY"]


@pytest.mark.parametrize("service", ["ivr", "ledger-core"])
def test_each_service_alone_passes_the_production_secret_checks(compose: dict[str, Any], service: str,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """Every `ivr` process refuses missing secrets in production: each service's own environment must carry them."""
    import os

    from ivr.settings import load_settings

    for name in list(os.environ):
        if name.startswith("IVR_"):
            monkeypatch.delenv(name)
    secrets = {"IVR_ENCRYPTION_KEY": Fernet.generate_key().decode(), "IVR_LOOKUP_HASH_KEY": "k" * 32,
               "IVR_ADMIN_API_KEY": "ops:admin:" + "a" * 32, "AMI_SECRET": "ami-" + "s" * 20,
               "POSTGRES_PASSWORD": "pg-pass", "REGISTER_TOKEN": "reg-" + "t" * 24,
               "LEDGER_ENCRYPTION_KEY": Fernet.generate_key().decode(), "LEDGER_LOOKUP_HASH_KEY": "l" * 32,
               "REMINDER_CALLER_ID_NUMBER": "+254700999000"}
    for k, v in env_of(compose, service).items():
        monkeypatch.setenv(k, interpolate(v, secrets))
    settings = load_settings(security={"secrets_file": tmp_path / "never.json"})
    assert settings.env == "production" and not (tmp_path / "never.json").exists()


def test_ports_match_settings_and_asterisk(compose: dict[str, Any]) -> None:
    ivr, ledger, asterisk = env_of(compose, "ivr"), env_of(compose, "ledger-core"), env_of(compose, "asterisk")
    # the IVR keeps the default ports; the compose file only changes bind addresses
    assert int(ivr["IVR_HTTP__PORT"]) == HttpSettings().port
    assert int(ivr["IVR_AUDIOSOCKET__PORT"]) == AudioSocketSettings().port
    assert int(ivr["IVR_AMI__PORT"]) == AmiSettings().port
    assert int(ledger["IVR_LEDGER_CORE__PORT"]) == LedgerCoreSettings().port
    # Asterisk dials the IVR where it listens
    host, port = asterisk["AUDIOSOCKET_ADDR"].rsplit(":", 1)
    assert (host, int(port)) == ("ivr", int(ivr["IVR_AUDIOSOCKET__PORT"]))
    assert urlparse(asterisk["CONTROLLER_URL"]).port == int(ivr["IVR_HTTP__PORT"])
    # the IVR reaches the ledger and Rasa where they listen
    assert urlparse(ivr["IVR_LEDGER__BASE_URL"]).port == int(ledger["IVR_LEDGER_CORE__PORT"])
    assert urlparse(ivr["IVR_LEDGER__BASE_URL"]).hostname == "ledger-core"
    rasa_cmd = " ".join(compose["services"]["rasa"]["command"])
    assert f"-p {urlparse(ivr['IVR_NLU__URL']).port}" in rasa_cmd
    # published: the IVR's HTTP port and SIP/RTP only — never AudioSocket, AMI, the ledger, Rasa or PostgreSQL
    assert compose["services"]["ivr"]["ports"] == [f"{ivr['IVR_HTTP__PORT']}:{ivr['IVR_HTTP__PORT']}"]
    for svc in ("postgres", "ledger-core", "rasa"):
        assert "ports" not in compose["services"][svc], svc
    assert "5060:5060/udp" in compose["services"]["asterisk"]["ports"]


def test_rtp_range_matches_rtp_conf(compose: dict[str, Any]) -> None:
    conf = (ROOT / "asterisk" / "rtp.conf").read_text()
    start = int(re.search(r"^rtpstart\s*=\s*(\d+)", conf, re.M).group(1))  # type: ignore[union-attr]
    end = int(re.search(r"^rtpend\s*=\s*(\d+)", conf, re.M).group(1))  # type: ignore[union-attr]
    assert f"{start}-{end}:{start}-{end}/udp" in compose["services"]["asterisk"]["ports"]


def test_ami_user_and_secret_are_shared(compose: dict[str, Any]) -> None:
    ivr, asterisk = env_of(compose, "ivr"), env_of(compose, "asterisk")
    assert ivr["IVR_AMI__HOST"] == "asterisk"
    assert ivr["IVR_AMI__USERNAME"] == AmiSettings().username
    assert "${AMI_SECRET:?" in ivr["IVR_AMI__SECRET"] and "${AMI_SECRET:?" in asterisk["AMI_SECRET"]
    # The dialplan's registration token and the IVR's check come from the same variable.
    assert "${REGISTER_TOKEN:?" in ivr["IVR_CALLS__REGISTER_TOKEN"]
    assert "${REGISTER_TOKEN:?" in asterisk["REGISTER_TOKEN"]
    assert "./asterisk:/etc/asterisk/mikashboks:ro" in compose["services"]["asterisk"]["volumes"]

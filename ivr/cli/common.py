"""Helpers shared by CLI sub-commands: settings built on first use (never for `--help`), start-up checks that end
in one line naming the path or variable and the fix, logging set-up."""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import typing
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError

from ivr import logredact
from ivr.settings import Settings

_CACHE = "ivr.settings"
_SECRET_WORDS = ("secret", "key", "token", "password")


class StartupError(RuntimeError):
    """A setting or the machine stops a command before it starts; the message is one line that says what to do."""


def settings_of(ctx: typer.Context, *, secrets: bool = True) -> Settings:
    """The settings for this command, built once. `secrets=False` for commands that use no secret and write no
    state (`ivr say`, `ivr nlu parse`, `ivr config`): they neither check the data directory nor generate
    var/secrets.json."""
    root = ctx.find_root()
    cached: tuple[Settings, bool] | None = root.meta.get(_CACHE)
    if cached is not None and (cached[1] or not secrets):
        return cached[0]
    settings = build_settings(secrets=secrets)
    root.meta[_CACHE] = (settings, secrets)
    return settings


def build_settings(*, secrets: bool = True) -> Settings:
    from pydantic_settings import SettingsError

    try:
        settings = Settings()
    except ValidationError as exc:
        raise StartupError(env_error(exc)) from None
    except SettingsError as exc:  # a list/map setting whose value is not JSON
        raise StartupError(json_env_error(exc)) from None
    configure_logging(settings.log_level)
    if not secrets:
        return settings
    from ivr.secrets import ensure_secrets
    from models.crypto import install_keyring, keyring_from_settings

    check_state_dirs(settings)
    try:
        settings = ensure_secrets(settings)
    except OSError as exc:
        raise StartupError(os_error(exc, "IVR_SECURITY__SECRETS_FILE", settings.security.secrets_file)) from None
    install_keyring(keyring_from_settings(settings))  # every such command can read/write encrypted columns
    return settings


def env_error(exc: ValidationError) -> str:
    """`IVR_HTTP__PORT='abc': Input should be a valid integer ...` — the variable the user set, not `http.port`."""
    errors = exc.errors()
    first = errors[0]
    loc = [str(part) for part in first["loc"] if not isinstance(part, int)]
    name = "IVR_" + "__".join(loc).upper()
    raw = os.environ.get(name)
    shown = "" if raw is None or any(w in name.lower() for w in _SECRET_WORDS) else f"={raw!r}"
    more = f" (and {len(errors) - 1} more invalid setting(s))" if len(errors) > 1 else ""
    return f"{name}{shown}: {first['msg']}; fix or unset it (`bin/ivr config table` lists every setting){more}"


def json_env_error(exc: Exception) -> str:
    """pydantic-settings names only the section ("security"); name the variable whose value is not JSON."""
    section = re.search(r'field "(\w+)"', str(exc))
    prefix = f"IVR_{section.group(1).upper()}" if section else "IVR_"
    bad = []
    for name, value in sorted(os.environ.items()):
        if (name == prefix or name.startswith(prefix + "__")) and _wants_json(name):
            try:
                json.loads(value)
            except ValueError:
                bad.append(name)
    names = ", ".join(bad) or f"{prefix}__*"
    return f"{names}: not valid JSON (lists and maps are JSON, e.g. '[\"a\", \"b\"]'); fix or unset it"


def _wants_json(env_name: str) -> bool:
    """Whether the setting behind IVR_A__B is a list, map or section (pydantic-settings parses those as JSON)."""
    model: Any = Settings
    for part in env_name.removeprefix("IVR_").lower().split("__"):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return False
        model = fields[part].annotation
    origin = typing.get_origin(model)
    return origin in (list, dict, set, tuple) or (isinstance(model, type) and issubclass(model, BaseModel))


def check_state_dirs(settings: Settings) -> None:
    """The data directory (and the SQLite database's directory) must exist or be creatable, and be writable."""
    places: list[tuple[Path, str]] = [(Path(settings.data_dir), "IVR_DATA_DIR")]
    url = settings.database.url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        places.append((Path(url.removeprefix("sqlite:///")).parent, "IVR_DATABASE__URL"))
    for path, setting in places:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StartupError(f"{setting}: cannot create {path.resolve()} ({exc.strerror}); create it, or set "
                               f"{setting} to a directory this user can write") from None
        if not os.access(path, os.W_OK | os.X_OK):
            raise StartupError(f"{setting}: {path.resolve()} is not writable by this user (read-only or wrong "
                               f"owner); make it writable, or set {setting} to a directory this user can write")


def os_error(exc: OSError, setting: str | None = None, path: object = None) -> str:
    """One line for a file-system error at start-up: what, where, and the setting or the fix."""
    filename = exc.filename or path
    where = f" {filename}" if filename else ""
    if exc.errno == errno.ENOSPC:
        return f"disk full writing{where}: free some space{f' or move it with {setting}' if setting else ''}"
    why = exc.strerror or type(exc).__name__
    return f"{why}:{where}{f' (setting {setting})' if setting else ''}"


def database_error(exc: Any, settings_url: str | None) -> str:
    from sqlalchemy.engine import make_url

    shown = make_url(settings_url).render_as_string(hide_password=True) if settings_url else "?"
    orig = getattr(exc, "orig", None) or exc
    first_line = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    hint = "free some space" if "full" in first_line.lower() else "check that the database is reachable and writable"
    return f"database IVR_DATABASE__URL={shown}: {first_line}; {hint}"


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logredact.install()  # phone numbers, PINs and amounts never reach a log handler in clear

"""The demo admin `ivr stack` creates in development, so the console can be tried at once; its password is generated
once into the development secrets file (var/secrets.json, 0600), never written in code."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from ivr.console.accounts import add_staff, set_password
from ivr.console.passwords import password_matches
from ivr.secrets import read_secrets_file, write_secrets_file
from ivr.settings import Settings
from models.base import make_sessionmaker
from models.migrate import engine_for
from models.staff import StaffUser

SECRET_KEY = "console_demo_admin_password"
ACTOR = "system:ivr-stack"


def demo_password(settings: Settings) -> str:
    """The demo admin's password from the secrets file, generated into it on first use."""
    data = read_secrets_file(settings)
    password = data.get(SECRET_KEY)
    if not isinstance(password, str) or len(password) < settings.console.password_min_length:
        password = secrets.token_urlsafe(15)
        data[SECRET_KEY] = password
        write_secrets_file(settings, data)
    return password


def ensure_demo_admin(settings: Settings) -> bool:
    """Development only: the demo admin exists and signs in with the secrets file's password (False elsewhere).

    Call after the migrations. A demo admin someone disabled stays disabled."""
    if settings.env != "development" or not settings.console.enabled:
        return False
    name, password = settings.console.demo_admin, demo_password(settings)
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine).begin() as s:
            user = s.scalar(select(StaffUser).where(StaffUser.name == name))
            if user is None:
                add_staff(s, name, "admin", password, actor=ACTOR, min_length=settings.console.password_min_length)
            elif not password_matches(user.password_hash, password):
                set_password(s, name, password, actor=ACTOR, min_length=settings.console.password_min_length)
    finally:
        engine.dispose()
    return True


def sign_in_lines(settings: Settings) -> list[str]:
    """What `ivr stack` prints about the console (the demo sign-in only in development)."""
    if not settings.console.enabled:
        return []
    url = f"http://{settings.http.host}:{settings.http.port}/console"
    if settings.env != "development":
        return [f"staff console: {url} (accounts: ivr staff add NAME --role admin)"]
    return [f"staff console: {url} — sign in as {settings.console.demo_admin} with password "
            f"{demo_password(settings)} (from {settings.security.secrets_file})"]

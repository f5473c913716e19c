"""Settings of the staff console (`IVR_CONSOLE__*`): on/off, where its vendored scripts are, sessions, lockout."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class ConsoleSettings(BaseModel):
    """The web console at /console for field officers and admins (composed into Settings.console)."""

    # The staff console at /console (sign-in, Today, Calls, Meetings, Reminders, Audit); false leaves it out of the
    # app (the JSON admin API stays). On, it needs its vendored scripts (see vendor_dir) or start-up stops.
    enabled: bool = True
    # htmx and Chart.js copied from npm by `bash scripts/setup.sh 60-console`; empty = ivr/console/static/vendor.
    vendor_dir: Path | None = None
    # A signed-in browser that does nothing for this long must sign in again (a shared office computer).
    session_idle_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # However active, a session ends this long after sign-in (a working day).
    session_max_hours: int = Field(default=12, ge=1, le=7 * 24)
    # Wrong passwords in a row that lock an account; 5 leaves room for typos while making guessing hopeless.
    max_failed_sign_ins: int = Field(default=5, ge=1, le=50)
    # How long a locked account stays locked (an admin can lift it sooner: `ivr staff unlock NAME`).
    lockout_minutes: int = Field(default=15, ge=1)
    # Shortest password `ivr staff add` accepts (NIST 800-63B asks for at least 8; staff see members' data).
    password_min_length: int = Field(default=10, ge=8, le=128)
    # Session cookies carry Secure (HTTPS only); empty = everywhere except development (plain http on loopback).
    secure_cookies: bool | None = None
    # A link to play a recording, shown after a stated reason, works this long (and only in that session).
    media_link_minutes: int = Field(default=10, ge=1, le=120)
    # The admin `ivr stack` creates in development; the password is generated into the dev secrets file.
    demo_admin: str = "demo-admin"

    def cookies_secure(self, env: str) -> bool:
        return self.secure_cookies if self.secure_cookies is not None else env != "development"

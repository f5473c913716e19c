"""Sign-in sessions: a random token in an HttpOnly, SameSite cookie (Secure outside development); only its SHA-256
is stored, with the session's CSRF token, idle and absolute expiry, and revocation (sign-out, disabled account)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.console.config import ConsoleSettings
from models.staff import StaffSession, StaffUser

# last_seen_at is written at most this often: a page view is not worth a database write every time.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Staff:
    """The signed-in person, as every page sees them."""

    id: int
    name: str
    role: str
    groups: frozenset[str]  # a field officer's groups (admins: every group, this is empty)
    session_id: int
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def actor(self) -> str:
        """How the audit trail names them."""
        return f"console:{self.name}"

    def sees(self, group_id: str | None) -> bool:
        """Admins see every group; a field officer only the groups assigned to them (never an unidentified call)."""
        return self.is_admin or (group_id is not None and group_id in self.groups)

    def scope(self) -> frozenset[str] | None:
        """The groups to filter by: None = every group (admin)."""
        return None if self.is_admin else self.groups


@dataclass(frozen=True)
class Cookies:
    """Cookie names and flags: `__Host-` names (Secure, Path=/, no Domain) when cookies are Secure."""

    secure: bool

    @property
    def session(self) -> str:
        return "__Host-mkb_console" if self.secure else "mkb_console"

    @property
    def sign_in(self) -> str:
        """The sign-in form's double-submit CSRF cookie (there is no session yet)."""
        return "__Host-mkb_console_signin" if self.secure else "mkb_console_signin"

    def flags(self, max_age_s: int | None) -> dict[str, object]:
        return {"httponly": True, "samesite": "lax", "secure": self.secure, "path": "/", "max_age": max_age_s}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(s: Session, staff_id: int, *, now: datetime, cfg: ConsoleSettings) -> str:
    """A new session for a signed-in staff member; returns the cookie token (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    s.add(StaffSession(token_hash=token_hash(token), staff_id=staff_id, csrf_token=secrets.token_urlsafe(32),
                       created_at=now, last_seen_at=now, expires_at=now + timedelta(hours=cfg.session_max_hours)))
    s.flush()
    return token


def current_staff(s: Session, token: str | None, *, now: datetime, cfg: ConsoleSettings) -> Staff | None:
    """The staff member signed in with this cookie token, or None (unknown, signed out, expired, idle, disabled)."""
    if not token or len(token) > 200:
        return None
    row = s.scalar(select(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or now >= row.expires_at:
        return None
    if now - row.last_seen_at > timedelta(minutes=cfg.session_idle_minutes):
        row.revoked_at = now
        s.flush()
        return None
    user = s.get(StaffUser, row.staff_id)
    if user is None or user.disabled:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        s.flush()
    return Staff(user.id, user.name, user.role, frozenset(g.group_id for g in user.groups), row.id, row.csrf_token)


def close_session(s: Session, session_id: int, *, now: datetime) -> None:
    row = s.get(StaffSession, session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        s.flush()

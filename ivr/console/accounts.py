"""Staff accounts: create, assign groups, disable, unlock, sign in with lockout; groups' consent to PII views.

Plain functions on a SQLAlchemy Session (the caller commits; the console runs them in worker threads, the CLI
directly). Every change is written to the audit trail with who did it and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivr.console.passwords import check_policy, hash_password, needs_rehash, password_matches
from models import audit
from models.base import utcnow
from models.staff import ROLES, GroupPiiConsent, StaffGroup, StaffSession, StaffUser

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
GROUP_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


class StaffError(ValueError):
    """A staff operation that cannot be done; the message says why (one line)."""


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: ok, wrong (name or password), locked (until), disabled."""

    status: Literal["ok", "wrong", "locked", "disabled"]
    staff_id: int | None = None
    locked_until: datetime | None = None


def check_name(name: str) -> str:
    name = name.strip().lower()
    if not NAME_RE.match(name):
        raise StaffError("a staff name is 2-64 characters: lower-case letters, digits, '.', '_' or '-' "
                         "(starting with a letter or digit)")
    return name


def check_group_id(group_id: str) -> str:
    group_id = group_id.strip()
    if not GROUP_RE.match(group_id):
        raise StaffError(f"{group_id!r} is not a ledger group id (letters, digits, '.', '_', ':', '-')")
    return group_id


def find(s: Session, name: str) -> StaffUser:
    user = s.scalar(select(StaffUser).where(StaffUser.name == name.strip().lower()))
    if user is None:
        raise StaffError(f"no staff account {name!r} (see `ivr staff list`)")
    return user


def add_staff(s: Session, name: str, role: str, password: str, *, actor: str, min_length: int,
              groups: list[str] | tuple[str, ...] = ()) -> StaffUser:
    name = check_name(name)
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if s.scalar(select(StaffUser.id).where(StaffUser.name == name)) is not None:
        raise StaffError(f"a staff account {name!r} already exists")
    if groups and role == "admin":
        raise StaffError("admins see every group: assign groups to field officers only")
    check_policy(password, min_length=min_length, name=name)
    user = StaffUser(name=name, role=role, password_hash=hash_password(password), disabled=False, failed_attempts=0)
    s.add(user)
    s.flush()
    audit.record(s, actor=actor, action="staff.add", subject_type="staff", subject_id=name, reason=f"role {role}")
    if groups:
        assign(s, name, list(groups), actor=actor)
    return user


def set_password(s: Session, name: str, password: str, *, actor: str, min_length: int) -> None:
    user = find(s, name)
    check_policy(password, min_length=min_length, name=user.name)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until = 0, None
    revoke_all(s, user.id)
    audit.record(s, actor=actor, action="staff.password", subject_type="staff", subject_id=user.name,
                 reason="password set; sessions signed out")


def assign(s: Session, name: str, group_ids: list[str], *, actor: str) -> list[str]:
    """Add groups to a field officer; returns the ones that were new."""
    user = find(s, name)
    if user.role != "field_officer":
        raise StaffError(f"{user.name} is an admin (sees every group): only field officers get groups")
    have = {g.group_id for g in user.groups}
    added = []
    for gid in dict.fromkeys(check_group_id(g) for g in group_ids):
        if gid not in have:
            user.groups.append(StaffGroup(group_id=gid))
            added.append(gid)
    s.flush()
    for gid in added:
        audit.record(s, actor=actor, action="staff.assign", subject_type="staff", subject_id=user.name,
                     reason=f"group {gid}")
    return added


def unassign(s: Session, name: str, group_ids: list[str], *, actor: str) -> list[str]:
    user = find(s, name)
    drop = {check_group_id(g) for g in group_ids}
    gone = [g.group_id for g in user.groups if g.group_id in drop]
    user.groups = [g for g in user.groups if g.group_id not in drop]
    s.flush()
    for gid in gone:
        audit.record(s, actor=actor, action="staff.unassign", subject_type="staff", subject_id=user.name,
                     reason=f"group {gid}")
    return gone


def set_disabled(s: Session, name: str, disabled: bool, *, actor: str) -> StaffUser:
    """Disable (signs every session out at once) or enable an account."""
    user = find(s, name)
    user.disabled = disabled
    if disabled:
        revoke_all(s, user.id)
    else:
        user.failed_attempts, user.locked_until = 0, None
    audit.record(s, actor=actor, action="staff.disable" if disabled else "staff.enable", subject_type="staff",
                 subject_id=user.name, reason="account disabled; sessions signed out" if disabled else "enabled")
    return user


def unlock(s: Session, name: str, *, actor: str) -> None:
    user = find(s, name)
    user.failed_attempts, user.locked_until = 0, None
    audit.record(s, actor=actor, action="staff.unlock", subject_type="staff", subject_id=user.name,
                 reason="lockout lifted")


def revoke_all(s: Session, staff_id: int, now: datetime | None = None) -> None:
    s.execute(update(StaffSession).where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
              .values(revoked_at=now or utcnow()))


def sign_in(s: Session, name: str, password: str, *, now: datetime, max_failed: int, lock_minutes: int) -> SignIn:
    """Check a password and keep the lockout counter (flushed; the caller commits so the count survives).

    An unknown name costs the same hash check as a known one. A locked account answers `locked` without looking at
    the password; once the lock has passed the counter starts again. The failure that reaches `max_failed` locks.
    """
    user = s.scalar(select(StaffUser).where(StaffUser.name == name.strip().lower())) if name.strip() else None
    if user is None:
        password_matches(None, password)
        return SignIn("wrong")
    if user.locked_until is not None:
        if now < user.locked_until:
            return SignIn("locked", user.id, user.locked_until)
        user.locked_until, user.failed_attempts = None, 0
    if not password_matches(user.password_hash, password):
        user.failed_attempts += 1
        if user.failed_attempts >= max_failed:
            user.failed_attempts, user.locked_until = 0, now + timedelta(minutes=lock_minutes)
            audit.record(s, actor="system", action="staff.locked", subject_type="staff", subject_id=user.name,
                         reason=f"{max_failed} wrong passwords in a row")
            s.flush()
            return SignIn("locked", user.id, user.locked_until)
        s.flush()
        return SignIn("wrong", user.id)
    if user.disabled:
        return SignIn("disabled", user.id)
    user.failed_attempts, user.last_sign_in_at = 0, now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(s, actor=f"console:{user.name}", action="staff.sign_in", subject_type="staff", subject_id=user.name,
                 reason="signed in to the console")
    s.flush()
    return SignIn("ok", user.id)


# --- groups' consent ---------------------------------------------------------------------------------------------

def record_consent(s: Session, group_id: str, granted: bool, *, note: str, actor: str) -> GroupPiiConsent:
    """Store a group's decision on staff seeing its members' personal data (history; the newest row wins)."""
    group_id = check_group_id(group_id)
    note = note.strip()
    if len(note) < 3:
        raise StaffError("say where the group's decision is written down (e.g. 'minutes of the 12 March meeting')")
    row = GroupPiiConsent(group_id=group_id, granted=granted, recorded_by=actor, note=note[:500])
    s.add(row)
    s.flush()
    audit.record(s, actor=actor, action="consent.grant" if granted else "consent.withdraw", subject_type="group",
                 subject_id=group_id, reason=note[:500])
    return row


def consents(s: Session, group_ids: list[str] | None = None) -> dict[str, GroupPiiConsent]:
    """The newest consent row of each group (of `group_ids`, or of every group with one)."""
    q = select(GroupPiiConsent).order_by(GroupPiiConsent.at, GroupPiiConsent.id)
    if group_ids is not None:
        q = q.where(GroupPiiConsent.group_id.in_(group_ids))
    return {row.group_id: row for row in s.scalars(q)}


def has_consent(s: Session, group_id: str | None) -> bool:
    if not group_id:
        return False
    row = consents(s, [group_id]).get(group_id)
    return bool(row and row.granted)

"""Staff of the web console: accounts (argon2 hashes, lockout), the groups a field officer supports, sign-in
sessions, and each group's consent to let staff see its members' personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

ROLES = ("field_officer", "admin")


class StaffUser(Base):
    """A person who signs in to the console. `name` is their sign-in name (not a member's data)."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('field_officer', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    # argon2id PHC string ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"); never the password
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # wrong passwords in a row; reaching the limit sets locked_until and starts again from zero
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    groups: Mapped[list[StaffGroup]] = relationship(back_populates="staff", cascade="all, delete-orphan",
                                                    order_by="StaffGroup.group_id")


class StaffGroup(Base):
    """A savings group a field officer supports (admins see every group without rows here)."""

    __tablename__ = "staff_groups"
    __table_args__ = (UniqueConstraint("staff_id", "group_id", name="uq_staff_groups_staff_group"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    # ledger group id
    group_id: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[StaffUser] = relationship(back_populates="groups")


class StaffSession(Base):
    """One signed-in browser. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    # sent back in every form (synchronizer token): a page on another site cannot know it
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class GroupPiiConsent(Base):
    """A group's decision (taken at its meeting) on whether staff may see members' names, numbers, speech and
    recordings; kept as history, the newest row per group wins. No row = no consent."""

    __tablename__ = "group_pii_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[str] = mapped_column(String(100), index=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    # who entered it ("console:alice", "cli:root")
    recorded_by: Mapped[str] = mapped_column(String(120))
    # where the decision is written down (e.g. "minutes of the 12 March meeting"); never member data
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

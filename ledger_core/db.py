"""The reference ledger's own tables and engine (its own Base and database, never the IVR's models/).

Members' names and phone numbers are encrypted at rest (ledger_core/crypto.py); phones are looked up by
`phone_hash`. A database written before that (names and phones in clear) is upgraded in place at start-up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ledger_core.crypto import TOKEN_PREFIX, EncryptedStr, LedgerKeys, attach, is_token, keys_of, load_keys

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class LedgerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Group(LedgerBase):
    __tablename__ = "lc_groups"

    group_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    methodology: Mapped[str] = mapped_column(String(16))  # VSLA | SUSU | SACCO | SHG | CHIT_FUND
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    frequency: Mapped[str] = mapped_column(String(16))  # weekly | fortnightly | monthly
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    meeting_time: Mapped[str] = mapped_column(String(5))  # HH:MM local
    place: Mapped[str] = mapped_column(String(200))
    share_price_minor: Mapped[int] = mapped_column(BigInteger)
    interest_kind: Mapped[str] = mapped_column(String(32), default="flat_monthly")
    interest_rate_bp: Mapped[int] = mapped_column(Integer)
    loan_term_months: Mapped[int] = mapped_column(Integer, default=3)
    social_fund_contribution_minor: Mapped[int] = mapped_column(BigInteger)
    cycle_start: Mapped[date] = mapped_column(Date)
    cycle_end: Mapped[date] = mapped_column(Date)
    secretary_member_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Member(LedgerBase):
    __tablename__ = "lc_members"
    __table_args__ = (UniqueConstraint("group_id", "roster_number", name="uq_lc_members_roster"),)

    member_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("lc_groups.group_id"), index=True)
    roster_number: Mapped[int] = mapped_column(Integer)
    # a person's names are PII: Fernet tokens at rest
    name: Mapped[str] = mapped_column(EncryptedStr())
    first_name: Mapped[str] = mapped_column(EncryptedStr())
    nickname: Mapped[str | None] = mapped_column(EncryptedStr(), nullable=True)
    role: Mapped[str] = mapped_column(String(16))  # chair | secretary | treasurer | member
    language: Mapped[str] = mapped_column(String(8))


class MemberPhone(LedgerBase):
    """One row per (member, phone): the same phone may belong to members of several groups."""

    __tablename__ = "lc_member_phones"
    __table_args__ = (UniqueConstraint("member_id", "phone_hash", name="uq_lc_member_phones_member_phone_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("lc_members.member_id"), index=True)
    # E.164, e.g. +254712345678, encrypted; found by phone_hash (HMAC of the E.164 form, set on every write)
    phone: Mapped[str] = mapped_column(EncryptedStr())
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)


@event.listens_for(MemberPhone, "before_insert")
@event.listens_for(MemberPhone, "before_update")
def _hash_phone(_mapper: Any, connection: Any, target: MemberPhone) -> None:
    target.phone_hash = keys_of(connection.dialect).lookup(target.phone)


class Meeting(LedgerBase):
    __tablename__ = "lc_meetings"
    __table_args__ = (UniqueConstraint("group_id", "date", name="uq_lc_meetings_group_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("lc_groups.group_id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def meeting_id(self) -> str:
        return f"mt-{self.id:04d}"


class Loan(LedgerBase):
    __tablename__ = "lc_loans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("lc_groups.group_id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("lc_members.member_id"), index=True)
    disbursed_on: Mapped[date] = mapped_column(Date)
    principal_minor: Mapped[int] = mapped_column(BigInteger)
    interest_minor: Mapped[int] = mapped_column(BigInteger)
    term_months: Mapped[int] = mapped_column(Integer)

    @property
    def loan_id(self) -> str:
        return f"l-{self.id:04d}"


class Installment(LedgerBase):
    __tablename__ = "lc_installments"
    __table_args__ = (UniqueConstraint("loan_id", "seq", name="uq_lc_installments_loan_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("lc_loans.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class Txn(LedgerBase):
    """One posted entry. The unique idempotency key is what makes a retried batch a replay, never a second posting."""

    __tablename__ = "lc_transactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    group_id: Mapped[str] = mapped_column(ForeignKey("lc_groups.group_id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("lc_meetings.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("lc_members.member_id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("lc_loans.id"), nullable=True, index=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def transaction_id(self) -> str:
        return f"t-{self.id:06d}"


def loan_pk(loan_id: str) -> int | None:
    """'l-0007' -> 7; anything else -> None (an unknown loan)."""
    prefix, _, digits = loan_id.partition("-")
    return int(digits) if prefix == "l" and digits.isdigit() else None


def make_engine(url: str, keys: LedgerKeys | None = None) -> Engine:
    """Engine for the ledger database with its encryption keys (given, or ledger_core.crypto.load_keys: the
    environment, else the development key file); SQLite gets WAL, foreign keys, FULL sync and a busy timeout."""
    engine = _engine(url)
    attach(engine.dialect, keys or load_keys(url))
    return engine


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # A posted batch must survive a crash of the process or the machine once the client was told "created".
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    LedgerBase.metadata.create_all(engine)
    encrypt_clear_rows(engine)


# (table, primary key, columns) written in clear before field encryption
_CLEAR = (("lc_members", "member_id", ("name", "first_name", "nickname")), ("lc_member_phones", "id", ("phone",)))


def encrypt_clear_rows(engine: Engine) -> int:
    """Upgrade a database written before field encryption: widen the columns (PostgreSQL), add phone_hash, and
    encrypt every value still in clear, in one transaction. Idempotent; returns how many values it encrypted."""
    columns = {c["name"] for c in inspect(engine).get_columns("lc_member_phones")}
    keys = keys_of(engine.dialect)
    done = 0
    with engine.begin() as conn:
        if "phone_hash" not in columns:
            conn.execute(text("ALTER TABLE lc_member_phones ADD COLUMN phone_hash VARCHAR(64)"))
            conn.execute(text("CREATE INDEX IF NOT EXISTS ix_lc_member_phones_phone_hash "
                              "ON lc_member_phones (phone_hash)"))
        if conn.dialect.name == "postgresql":
            for table, _pk, cols in _CLEAR:
                for col in cols:
                    conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN {col} TYPE TEXT"))
        for table, pk, cols in _CLEAR:
            phones = table == "lc_member_phones"
            pending = " OR ".join([*(f"({c} IS NOT NULL AND {c} NOT LIKE '{TOKEN_PREFIX}%')" for c in cols),
                                   *(["phone_hash IS NULL"] if phones else [])])
            for row in conn.execute(text(f"SELECT {pk}, {', '.join(cols)} FROM {table} WHERE {pending}")).all():
                clear = {c: v for c, v in zip(cols, row[1:], strict=True) if v is not None and not is_token(v)}
                values = {c: keys.encrypt(v) for c, v in clear.items()}
                if phones:  # the hash of the number, in clear or already encrypted
                    values["phone_hash"] = keys.lookup(clear.get("phone") or keys.decrypt(row[1]))
                sets = ", ".join(f"{c} = :{c}" for c in values)
                conn.execute(text(f"UPDATE {table} SET {sets} WHERE {pk} = :pk"), {**values, "pk": row[0]})
                done += len(clear)
    return done


def drop_schema(engine: Engine) -> None:
    LedgerBase.metadata.drop_all(engine)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

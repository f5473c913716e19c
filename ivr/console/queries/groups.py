"""The groups the console knows (from the IVR's own records and staff assignments) and what the ledger says of them.

The ledger API lists no groups, so the list is every group id the IVR has seen: calls, meetings, reminders,
assignments and consent records. Names and rosters come from the ledger through the offline-first cached reads.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from ledger_client.errors import LedgerError
from ledger_client.types import GroupInfo, Roster
from models.calls import Call
from models.meetings import MeetingDraft
from models.reminders import Reminder
from models.staff import GroupPiiConsent, StaffGroup, StaffUser

# Asking the ledger about groups must not hold a page: the cached answer (or none) after this long.
LEDGER_WAIT_S = 3.0


def known_groups(s: Session) -> list[str]:
    q: Any = union(select(Call.group_id).where(Call.group_id.is_not(None)), select(MeetingDraft.group_id),
              select(Reminder.group_id), select(StaffGroup.group_id), select(GroupPiiConsent.group_id))
    return sorted(str(g) for (g,) in s.execute(q) if g)


def officers_by_group(s: Session) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for gid, name, disabled in s.execute(select(StaffGroup.group_id, StaffUser.name, StaffUser.disabled)
                                         .join(StaffUser, StaffUser.id == StaffGroup.staff_id)
                                         .order_by(StaffUser.name)):
        out.setdefault(gid, []).append(name + (" (disabled)" if disabled else ""))
    return out


def consent_history(s: Session, group_id: str) -> list[GroupPiiConsent]:
    return list(s.scalars(select(GroupPiiConsent).where(GroupPiiConsent.group_id == group_id)
                          .order_by(GroupPiiConsent.at.desc(), GroupPiiConsent.id.desc())))


@dataclass(frozen=True)
class LedgerView:
    infos: dict[str, GroupInfo]
    reachable: bool


def _reads(request: Any) -> Any:
    runtime = getattr(request.app.state, "runtime", None)
    return getattr(getattr(runtime, "ledger", None), "reads", None)


async def group_infos(request: Any, group_ids: list[str]) -> LedgerView:
    """What the ledger (or its cache) says of each group; groups it cannot tell about are left out."""
    reads = _reads(request)
    if reads is None or not group_ids:
        return LedgerView({}, reads is not None)

    async def one(gid: str) -> GroupInfo | None:
        try:
            return (await reads.group(gid)).value
        except LedgerError:
            return None

    infos: dict[str, GroupInfo] = {}
    with contextlib.suppress(TimeoutError):
        found = await asyncio.wait_for(asyncio.gather(*(one(g) for g in group_ids)), LEDGER_WAIT_S)
        infos = {g: info for g, info in zip(group_ids, found, strict=True) if info is not None}
    return LedgerView(infos, bool(infos) or not group_ids)


async def roster(request: Any, group_id: str) -> Roster | None:
    reads = _reads(request)
    if reads is None:
        return None
    try:
        return (await asyncio.wait_for(reads.roster(group_id), LEDGER_WAIT_S)).value
    except (LedgerError, TimeoutError):
        return None

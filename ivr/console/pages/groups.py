"""Groups: the ones a person supports (admins: every group the IVR knows), each group's page with its officers and
its consent to staff seeing members' personal data — recorded here by an admin, audited."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ivr.console.access import require_group
from ivr.console.accounts import StaffError, check_group_id, consents, record_consent
from ivr.console.queries.groups import consent_history, group_infos, known_groups, officers_by_group
from ivr.console.web import PREFIX, AdminDep, ConsoleError, FormDep, StaffDep, field_of, in_db, render

router = APIRouter()


@router.get(PREFIX + "/groups", response_class=HTMLResponse, include_in_schema=False)
async def groups_page(request: Request, staff: StaffDep) -> HTMLResponse:
    ids = await in_db(request, known_groups) if staff.is_admin else sorted(staff.groups)

    def load(s: Session) -> tuple[dict[str, bool], dict[str, list[str]]]:
        return {g: c.granted for g, c in consents(s, ids).items()}, officers_by_group(s)

    granted, officers = await in_db(request, load)
    ledger = await group_infos(request, ids)
    return render(request, "groups.html", staff, section="groups", ids=ids, granted=granted, officers=officers,
                  infos=ledger.infos, ledger_ok=ledger.reachable)


@router.get(PREFIX + "/groups/{group_id}", response_class=HTMLResponse, include_in_schema=False)
async def group_page(request: Request, staff: StaffDep, group_id: str) -> HTMLResponse:
    require_group(staff, group_id)
    history = await in_db(request, lambda s: consent_history(s, group_id))
    officers = (await in_db(request, officers_by_group)).get(group_id, [])
    ledger = await group_infos(request, [group_id])
    return render(request, "group.html", staff, section="groups", gid=group_id, info=ledger.infos.get(group_id),
                  history=history, officers=officers, done=request.query_params.get("done", ""))


@router.post(PREFIX + "/groups/{group_id}/consent", include_in_schema=False)
async def group_consent(request: Request, staff: AdminDep, form: FormDep, group_id: str) -> Response:
    decision = field_of(form, "decision")
    if decision not in ("granted", "withdrawn"):
        raise ConsoleError(400, "Choose a decision", "Choose whether the group granted or withdrew its consent.")
    try:
        gid = check_group_id(group_id)
        await in_db(request, lambda s: record_consent(s, gid, decision == "granted", note=field_of(form, "note"),
                                                      actor=staff.actor))
    except StaffError as exc:
        raise ConsoleError(400, "Consent not recorded", str(exc)) from None
    return RedirectResponse(f"{PREFIX}/groups/{gid}?done={decision}", status_code=303)

"""Sign-in (double-submit CSRF cookie, since there is no session yet; lockout after repeated failures) and sign-out."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ivr.console.accounts import SignIn, sign_in
from ivr.console.formats import dt
from ivr.console.sessions import close_session, current_staff, open_session
from ivr.console.web import PREFIX, FormDep, StaffDep, field_of, in_db, render, same_origin, state_of
from models.base import utcnow

router = APIRouter()
# The sign-in form's token lives this long (a person types a name and password well within an hour).
SIGN_IN_FORM_S = 3600


def safe_next(target: str | None) -> str:
    """Only back into the console (never an open redirect to another site)."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target \
            and not target.startswith(PREFIX + "/sign-"):
        return target
    return PREFIX + "/today"


def _form(request: Request, *, status: int = 200, error: str = "", name: str = "", next_: str = "") -> HTMLResponse:
    st = state_of(request)
    token = secrets.token_urlsafe(32)
    response = render(request, "sign_in.html", None, status=status, error=error, name=name, next=safe_next(next_),
                      sign_in_token=token, signed_out=request.query_params.get("signed_out") == "1")
    response.set_cookie(st.cookies.sign_in, token, **st.cookies.flags(SIGN_IN_FORM_S))  # type: ignore[arg-type]
    return response


@router.get(PREFIX + "/sign-in", response_class=HTMLResponse, include_in_schema=False)
async def sign_in_page(request: Request, next: str = "") -> Response:
    st = state_of(request)
    token = request.cookies.get(st.cookies.session)
    if token and await in_db(request, lambda s: current_staff(s, token, now=utcnow(), cfg=st.cfg)) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next_=next)


@router.post(PREFIX + "/sign-in", include_in_schema=False)
async def sign_in_post(request: Request) -> Response:
    st = state_of(request)
    form = await request.form()
    name, password, next_ = field_of(form, "name"), form.get("password"), field_of(form, "next")
    sent, cookie = field_of(form, "csrf_token"), request.cookies.get(st.cookies.sign_in, "")
    if not sent or not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()) or not same_origin(request):
        return _form(request, status=403, name=name, next_=next_,
                     error="The sign-in form expired or did not come from this site (CSRF check): try again.")
    if not name or not isinstance(password, str) or not password:
        return _form(request, status=400, name=name, next_=next_, error="Enter your name and your password.")
    cfg = st.cfg
    now = utcnow()

    def attempt(s: Session) -> tuple[SignIn, str | None]:
        result = sign_in(s, name, password, now=now, max_failed=cfg.max_failed_sign_ins,
                         lock_minutes=cfg.lockout_minutes)
        token = open_session(s, result.staff_id, now=now, cfg=cfg) if result.status == "ok" and result.staff_id \
            else None
        return result, token

    result, token = await in_db(request, attempt)
    if result.status == "locked":
        return _form(request, status=403, name=name, next_=next_,
                     error=f"This account is locked after too many wrong passwords, until "
                           f"{dt(result.locked_until)}. An admin can unlock it sooner (ivr staff unlock).")
    if result.status == "disabled":
        return _form(request, status=403, name=name, next_=next_,
                     error="This account is disabled. Ask an admin to enable it.")
    if token is None:  # an unknown name cost the same hash check as a wrong password
        return _form(request, status=401, name=name, next_=next_, error="Wrong name or password.")
    response = RedirectResponse(safe_next(next_), status_code=303)
    response.set_cookie(st.cookies.session, token, **st.cookies.flags(cfg.session_max_hours * 3600))  # type: ignore[arg-type]
    response.delete_cookie(st.cookies.sign_in, path="/", secure=st.cookies.secure, httponly=True, samesite="lax")
    return response


@router.post(PREFIX + "/sign-out", include_in_schema=False)
async def sign_out(request: Request, staff: StaffDep, _form_: FormDep) -> Response:
    st = state_of(request)
    await in_db(request, lambda s: close_session(s, staff.session_id, now=utcnow()))
    response = RedirectResponse(PREFIX + "/sign-in?signed_out=1", status_code=303)
    response.delete_cookie(st.cookies.session, path="/", secure=st.cookies.secure, httponly=True, samesite="lax")
    return response

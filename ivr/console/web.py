"""What every console page shares: its state on app.state, the database, the signed-in staff member (Annotated
dependencies), CSRF-checked forms, template rendering and the HTML error pages."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from ivr.console import formats
from ivr.console.config import ConsoleSettings
from ivr.console.pii import MediaLinks
from ivr.console.sessions import Cookies, Staff, current_staff
from ivr.settings import Settings
from models.base import make_sessionmaker, utcnow
from models.migrate import engine_for

TEMPLATES = Path(__file__).parent / "templates"
PREFIX = "/console"
T = TypeVar("T")


class ConsoleError(Exception):
    """Shown as an HTML page with this status, title and message (and, for a form, a way back)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


class SignInRequired(Exception):
    """No valid session: pages redirect to the sign-in form (and come back afterwards)."""


@dataclass
class RunState:
    """The reminders "Run now" job of this process (one at a time)."""

    task: asyncio.Task[None] | None = None
    started_at: datetime | None = None
    started_by: str = ""
    summary: str = ""
    error: str = ""

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()


@dataclass
class ConsoleState:
    settings: Settings
    templates: Jinja2Templates
    media: MediaLinks
    vendor: Path
    runs: RunState = field(default_factory=RunState)
    own_sessions: sessionmaker[Session] | None = None

    @property
    def cfg(self) -> ConsoleSettings:
        return self.settings.console

    @property
    def cookies(self) -> Cookies:
        return Cookies(self.cfg.cookies_secure(self.settings.env))


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters.update(dt=formats.dt, money=formats.money, duration=formats.duration, ms=formats.ms,
                       label=formats.label, local=formats.local)
    env.globals["PREFIX"] = PREFIX
    return templates


def state_of(request: Request) -> ConsoleState:
    st = getattr(request.app.state, "console", None)
    assert isinstance(st, ConsoleState), "include_console(app, settings) was not called"
    return st


def sessions_of(request: Request) -> sessionmaker[Session]:
    """The running IVR's database sessions (one engine per process), or the console's own before the lifespan."""
    runtime = getattr(request.app.state, "runtime", None)
    made = getattr(runtime, "sessions", None)
    if made is not None:
        return made
    st = state_of(request)
    if st.own_sessions is None:
        st.own_sessions = make_sessionmaker(engine_for(st.settings))
    return st.own_sessions


async def in_db(request: Request, work: Callable[[Session], T]) -> T:
    """Run `work` in a session in a worker thread (never SQL on the event loop), committed at the end; `work` may
    commit on its own too (an audited read commits its audit row before the data leaves)."""
    made = sessions_of(request)

    def run() -> T:
        with made() as s:
            result = work(s)
            s.commit()
            return result

    return await asyncio.to_thread(run)


async def _staff(request: Request) -> Staff:
    st = state_of(request)
    token = request.cookies.get(st.cookies.session)
    if not token:
        raise SignInRequired
    staff = await in_db(request, lambda s: current_staff(s, token, now=utcnow(), cfg=st.cfg))
    if staff is None:
        raise SignInRequired
    return staff


def _admin(staff: Annotated[Staff, Depends(_staff)]) -> Staff:
    if not staff.is_admin:
        raise ConsoleError(403, "Admins only", "This page is for admins. Ask an admin if you need something here.")
    return staff


def same_origin(request: Request) -> bool:
    """A form posted by a page of this site: Origin (or Referer) names this host, or is absent (old browsers)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _form(request: Request, staff: Annotated[Staff, Depends(_staff)]) -> FormData:
    """The posted form, after checking its CSRF token against the session's (and that it came from this site)."""
    form = await request.form()
    sent = form.get("csrf_token") or request.headers.get("x-csrf-token") or ""
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), staff.csrf.encode()) \
            or not same_origin(request):
        raise ConsoleError(403, "Form refused", "This form is missing its security token or came from another "
                           "site (CSRF check). Go back, reload the page and send it again.")
    return form


StaffDep = Annotated[Staff, Depends(_staff)]
AdminDep = Annotated[Staff, Depends(_admin)]
FormDep = Annotated[FormData, Depends(_form)]


def parse_day(value: str, name: str = "date") -> date | None:
    """A YYYY-MM-DD query parameter ("" = none); a 400 page naming the field otherwise."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConsoleError(400, "Not a date", f"{name}: {value!r} is not a date (YYYY-MM-DD).") from None


def field_of(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


def render(request: Request, template: str, staff: Staff | None, *, status: int = 200,
           headers: Mapping[str, str] | None = None, **context: Any) -> HTMLResponse:
    st = state_of(request)
    ctx = {"staff": staff, "csrf": staff.csrf if staff else "", "env": st.settings.env, "now": utcnow(),
           "path": request.url.path, **context}
    return st.templates.TemplateResponse(request, template, ctx, status_code=status, headers=dict(headers or {}))


def error_page(request: Request, exc: ConsoleError) -> HTMLResponse:
    return render(request, "error.html", None, status=exc.status, title=exc.title, message=exc.message)


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"{PREFIX}/sign-in?next={quote(target, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})  # htmx follows it as a full page load
    return Response(status_code=303, headers={"Location": url})

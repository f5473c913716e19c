"""Mounts the staff console on the app: its pages, static files (own + vendored), error pages, security headers.

`include_console(app, settings)` is the one line the app factory calls. With the console on, missing vendored
scripts stop start-up with one line naming the setup command (ivr.console.assets).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ivr.console.assets import STATIC, check_vendor
from ivr.console.pages import audit, calls, groups, meetings, reminders, signin, today
from ivr.console.pii import MediaLinks
from ivr.console.web import (
    PREFIX,
    ConsoleError,
    ConsoleState,
    SignInRequired,
    error_page,
    make_templates,
    sign_in_redirect,
)
from ivr.settings import Settings

# Scripts only from this site (htmx and Chart.js are served by us, never a CDN); no framing (clickjacking); forms
# post only here. Inline styles stay allowed: Chart.js sizes its canvas through them.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
           (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]


class ConsoleHeaders:
    """Security headers on every console response; pages (which may hold PII) are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        static = path.startswith(PREFIX + "/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _v in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def include_console(app: FastAPI, settings: Settings) -> None:
    cfg = settings.console
    if not cfg.enabled:
        return
    vendor = check_vendor(cfg)
    app.state.console = ConsoleState(settings=settings, templates=make_templates(),
                                     media=MediaLinks(cfg.media_link_minutes * 60), vendor=vendor)
    app.mount(PREFIX + "/static/vendor", StaticFiles(directory=vendor), name="console-vendor")
    app.mount(PREFIX + "/static", StaticFiles(directory=STATIC), name="console-static")
    for module in (signin, today, calls, meetings, reminders, groups, audit):
        app.include_router(module.router)

    async def on_console_error(request: Request, exc: Any) -> Response:
        return error_page(request, exc)

    async def on_sign_in(request: Request, _exc: Any) -> Response:
        return sign_in_redirect(request)

    app.add_exception_handler(ConsoleError, on_console_error)
    app.add_exception_handler(SignInRequired, on_sign_in)
    app.add_middleware(ConsoleHeaders)

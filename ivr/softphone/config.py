"""Settings of the browser softphone (`IVR_SOFTPHONE__*`): on/off, the demo callers the page offers, limits."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DemoCaller(BaseModel):
    """A caller ID the page offers in its list (typing any other number works too)."""

    phone: str
    label: str = ""


class SoftphoneSettings(BaseModel):
    # The page lets anyone pick any caller ID (PINs still guard figures): on by default except in production,
    # where it must be switched on explicitly (IVR_SOFTPHONE__ENABLED=true) behind the operator's own access control.
    enabled: bool | None = None
    # Offered in the page's caller list, e.g. the demo members (`ivr ledger seed --demo` prints them).
    demo_callers: list[DemoCaller] = Field(default_factory=list)
    # A browser that opens the socket but never places a call is dropped after this long.
    call_request_timeout_s: float = Field(default=10.0, gt=0)
    # Simultaneous browser calls; more get a clear "busy" error (each call holds a recogniser and a clock task).
    max_calls: int = Field(default=20, ge=1)
    # Host names the softphone is served under besides loopback (localhost, 127.0.0.1, ::1), e.g. ["ivr.example.org"].
    # Any other Host is refused, so a page on a DNS-rebinding name cannot place calls or read the caller list.
    allowed_hosts: list[str] = Field(default_factory=list)

    def is_enabled(self, env: str) -> bool:
        return self.enabled if self.enabled is not None else env != "production"

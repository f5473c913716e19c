"""Kannel's configuration for the SMS channel (bearerbox + smsbox), written from the IVR's own settings.

`ivr sms kannel-conf` prints it for a deployment (add the operator's SMSC group); the tests render it with a fake
SMSC (Kannel's `fakesmsc`) on free loopback ports. The sms-service does not answer through its HTTP reply
(`max-messages = 0`): the IVR sends every reply through the outbox and sendsms, so a reply is never lost when the
get-url request times out, and never sent twice when Kannel re-delivers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Kannel's escapes in get-url: %p sender, %P receiver, %b the message bytes (URL-encoded), %c coding (0 7-bit,
# 1 8-bit, 2 UCS-2), %C charset, %I Kannel's message id (re-deliveries carry the same one).
GET_URL_QUERY = "from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I"


@dataclass(frozen=True)
class KannelConf:
    ivr_url: str  # the IVR's base URL as Kannel reaches it, e.g. http://127.0.0.1:8000
    inbound_token: str
    sendsms_username: str
    sendsms_password: str
    admin_password: str
    admin_port: int = 13000
    smsbox_port: int = 13001
    sendsms_port: int = 13013
    log_dir: Path | None = None
    fake_smsc_port: int | None = None  # a `smsc = fake` group for fakesmsc (tests and demos)
    # Kannel logs 0 debug .. 4 panic; at 0 and 1 smsbox writes every message text (PINs, figures) into its log,
    # so the default is 2 (warnings and worse).
    log_level: int = 2

    def render(self) -> str:
        def log(name: str) -> str:
            return f'log-file = "{self.log_dir / name}"\nlog-level = {self.log_level}\n' if self.log_dir else ""

        url = f"{self.ivr_url.rstrip('/')}/sms/kannel?token={self.inbound_token}&{GET_URL_QUERY}"
        parts = [
            "group = core",
            f"admin-port = {self.admin_port}",
            f'admin-password = "{self.admin_password}"',
            'admin-allow-ip = "127.0.0.1"',
            f"smsbox-port = {self.smsbox_port}",
            'box-allow-ip = "127.0.0.1"',
            "dlr-storage = internal",
            log("bearerbox.log"),
        ]
        if self.fake_smsc_port is not None:
            parts += ["group = smsc", "smsc = fake", "smsc-id = FAKE", f"port = {self.fake_smsc_port}",
                      'connect-allow-ip = "127.0.0.1"', ""]
        parts += [
            "group = smsbox",
            'bearerbox-host = "127.0.0.1"',
            f"bearerbox-port = {self.smsbox_port}",
            f"sendsms-port = {self.sendsms_port}",
            'sendsms-interface = "127.0.0.1"',
            "immediate-sendsms-reply = true",
            log("smsbox.log"),
            "group = sendsms-user",
            f'username = "{self.sendsms_username}"',
            f'password = "{self.sendsms_password}"',
            'user-allow-ip = "127.0.0.1"',
            "max-messages = 1",
            "",
            "group = sms-service",
            "keyword = default",
            "catch-all = true",
            f'get-url = "{url}"',
            "max-messages = 0",
            "omit-empty = true",
            "accept-x-kannel-headers = false",
            "",
        ]
        return "\n".join(parts) + "\n"

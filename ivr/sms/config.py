"""Settings of the SMS channel through Kannel (env IVR_SMS__<NAME>); composed into Settings.sms."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class SmsSettings(BaseModel):
    """Inbound commands, outbound replies and reminders by SMS; every default says why."""

    # Off by default: a deployment turns it on once Kannel runs (`ivr sms kannel-conf` writes its configuration).
    enabled: bool = False
    # Kannel smsbox's sendsms HTTP API (sendsms-port of group smsbox); keep it on loopback or a private network.
    sendsms_url: str = "http://127.0.0.1:13013/cgi-bin/sendsms"
    # The sendsms-user Kannel checks (group sendsms-user).
    sendsms_username: str = "mikashboks"
    # Its password (never logged); required when SMS is enabled outside development.
    sendsms_password: SecretStr = SecretStr("")
    # Shared secret Kannel's sms-service get-url carries as `token=` (the IVR refuses inbound SMS without it);
    # empty = not checked (development only: outside development an empty token refuses every inbound SMS).
    inbound_token: SecretStr = SecretStr("")
    # Sender shown on members' phones (Kannel `from`); an operator's short code or a registered alphanumeric ID.
    sender: str = "MiKashBoks"
    # Kannel answers sendsms at once (it queues); 2 s to connect and 5 s in all leave room for a loaded box.
    connect_timeout_s: float = Field(default=2.0, gt=0)
    # Whole sendsms request.
    timeout_s: float = Field(default=5.0, gt=0)
    # Seconds before each retry of a send Kannel did not take (down, queue full): the outbox keeps the message.
    retry_delays_s: list[float] = Field(default_factory=lambda: [5.0, 30.0, 120.0, 600.0, 1800.0])
    # Sends tried at most before a message is parked as failed (visible in `ivr sms outbox`); 6 spans ~45 min.
    max_attempts: int = Field(default=6, ge=1, le=50)
    # How often the outbox drainer looks for messages due (a reply should arrive while the member still waits).
    drain_every_s: float = Field(default=1.0, gt=0)
    # A reply longer than this many parts is refused (costs add up; our texts need one or two).
    max_parts: int = Field(default=4, ge=1, le=10)
    # How long "send your PIN" waits for the PIN reply; after that the command must be sent again.
    pin_reply_minutes: int = Field(default=10, ge=1, le=120)
    # Groups that chose to let their members' registered numbers get figures by SMS without a PIN (the ledger's
    # number for the member is the sender). Everyone else must add the PIN ("akiba 1234") or reply with it.
    trusted_number_groups: list[str] = Field(default_factory=list)
    # Reminder calls unanswered after their last retry are followed by one SMS (same key: never two).
    reminder_fallback: bool = True

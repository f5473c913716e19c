"""Settings section of the AMI client (env IVR_AMI__<NAME>)."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr


class AmiSettings(BaseModel):
    """Asterisk Manager Interface for outbound calls and transfers."""

    # Asterisk's manager interface (manager.conf); keep it on a private network.
    host: str = "127.0.0.1"
    # AMI TCP port.
    port: int = 5038
    # The manager.conf user the IVR logs in as.
    username: str = "mikashboks"
    # Its secret (never logged); generated in development, required elsewhere.
    secret: SecretStr = SecretStr("")
    # TCP connect + banner + Login must finish within this.
    connect_timeout_s: float = 5.0
    # An action's Response must arrive within this (the OriginateResponse event comes later, see originate_timeout).
    action_timeout_s: float = 10.0
    # Reconnect after a lost connection: exponential backoff from initial to max (doubling each failure).
    reconnect_initial_s: float = 0.5
    # Longest wait between reconnect attempts.
    reconnect_max_s: float = 30.0
    # A Ping this often detects a half-open connection that TCP alone would notice only much later.
    ping_interval_s: float = 20.0
    # How long an outbound reminder call rings before Asterisk gives up (Originate Timeout, ms on the wire).
    originate_ring_s: float = 30.0
    # Dialplan contexts shipped in asterisk/extensions.conf.
    outbound_context: str = "mikashboks-outbound"
    # Context an AMI Redirect sends a call to when the caller asks for a person.
    transfer_context: str = "mikashboks-transfer"

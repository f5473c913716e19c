"""Typed AMI failures, so callers can tell 'Asterisk unreachable' from 'bad secret' from 'action refused'."""

from __future__ import annotations


class AmiError(Exception):
    """Base of every AMI failure."""


class AmiConnectionError(AmiError):
    """Asterisk's manager port can't be reached, or the connection was lost before the answer came."""


class AmiAuthError(AmiError):
    """Login was refused: the username/secret in settings don't match manager.conf."""


class AmiActionError(AmiError):
    """Asterisk answered `Response: Error` to an action."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"AMI {action} refused: {message}")
        self.action = action
        self.message = message


class AmiTimeout(AmiError):
    """No response to an action within ami.action_timeout_s."""


class AmiProtocolError(AmiError):
    """The peer does not speak AMI (bad banner, oversized or malformed message)."""

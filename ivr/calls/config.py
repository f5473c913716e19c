"""Turn-taking and call-admission numbers of the live pipeline (section `calls`, env IVR_CALLS__*), each with a why."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

import languages as language_packs


class CallSettings(BaseModel):
    """How CallSession takes turns with the caller, and how calls are admitted."""

    # Caller voice must last this long over an interruptible prompt before playback stops (barge-in),
    # so a cough, a "mm" or line noise does not cut the bot off; 240 ms is about one short word.
    barge_in_ms: int = Field(default=240, ge=0, le=2000)
    # A UUID issued by POST /asterisk/calls must be used by AudioSocket() within this; Asterisk connects in
    # milliseconds, so a late or replayed UUID is refused.
    registration_ttl_s: float = Field(default=30.0, gt=0)
    # Calls admitted at once (registered + connected); beyond this registration answers "refused" and the
    # dialplan plays ss-noservice, instead of every caller getting a slow, stuttering bot.
    max_calls: int = Field(default=60, ge=1)
    # Shared secret Asterisk sends as `X-IVR-Token` (res_curl.conf httpheader): generated into the secrets file in
    # development (`register_token`), required elsewhere; a registration without it is refused.
    register_token: SecretStr = SecretStr("")
    # A short rising tone after the prompt wherever the caller is expected to speak (not at keypad-only questions):
    # a caller who cannot read the menu hears when it is their turn.
    earcon: bool = True
    # Timers (no-input, inter-digit, gap) are checked at least this often while no frame arrives.
    tick_ms: int = Field(default=50, ge=10, le=500)
    # Inbound frames whose arrival is within this of the previous frame's end are treated as contiguous:
    # TCP delivers frames in bursts, and jitter must not look like missing audio to the endpointer.
    jitter_ms: int = Field(default=60, ge=0, le=500)
    # After End, the goodbye is played out before the hang-up frame, but never for longer than this.
    end_drain_timeout_s: float = Field(default=30.0, gt=0)
    # On hang-up, the session gets this long to finish what it is doing (a recogniser call in a worker thread, a
    # ledger read) before it is cancelled; cancelled or not, it still closes its recogniser and stores the outcome.
    hangup_grace_s: float = Field(default=0.5, gt=0)
    # Transfers use AMI Redirect; off (no Asterisk manager configured) the IVR hangs up its AudioSocket leg with
    # 0x00 and the dialplan continues after AudioSocket() (where a deployment can route to a person).
    ami_enabled: bool = False
    # Languages whose ASR models and static prompts are loaded at start-up: every installed language pack.
    languages: list[str] = Field(default_factory=lambda: list(language_packs.codes()))
    # Dialled numbers (as the dialplan posts them, e.g. ["+254700999000"]) of the officers' meeting-recording
    # line: a call to one starts with purpose "meeting" (recording offered right after the PIN). "+" and spaces
    # are ignored when comparing.
    meeting_lines: list[str] = Field(default_factory=list)
    # Where faster-whisper is installed, the app transcribes handed-in meetings' recordings this often (a background
    # pass over meetings not transcribed yet); 0 turns the job off (`ivr meetings transcribe` still works).
    meeting_transcribe_every_s: float = Field(default=300.0, ge=0)
    # Render every static prompt (no values) of those languages into the prompt cache before the first call.
    warm_prompts: bool = True

"""Child processes that die with their parent: a SIGKILLed `ivr stack` (or `ivr nlu serve`) must not leave Rasa,
the ledger or the IVR running. Linux delivers a chosen signal to the child when its parent dies (PR_SET_PDEATHSIG);
elsewhere this does nothing and Ctrl-C / SIGTERM still stop the children in order."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A `preexec_fn` for subprocess.Popen: the child gets `sig` (SIGTERM: it shuts down cleanly) when the process
    that started it dies, however it died. Runs in the child between fork and exec."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()

    def arm() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
            os._exit(126)  # cannot promise to die with the parent: better not to start at all
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm

"""Settings section owned by ivr/ops/: the loop-lag watch and /metrics (env IVR_OPS__<NAME>)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OpsSettings(BaseModel):
    """How the IVR watches its own event loop and what it exports."""

    # The loop-lag watch wakes this often and records how late it woke: one outbound frame is 20 ms, so a
    # 50 ms period sees any stall that would make a frame late without costing measurable CPU.
    loop_lag_interval_ms: int = Field(default=50, ge=5, le=1000)
    # A wake-up later than this counts as a stall (logged, counted in ivr_event_loop_stalls_total): 40 ms is two
    # frames, the point where a caller starts to hear a gap.
    loop_stall_ms: int = Field(default=40, ge=1, le=10000)
    # GET /metrics in the Prometheus text format (counts and timings only: no numbers, names or speech).
    metrics_enabled: bool = True
    # Chaos testing only: POST /ops/debug/stall?ms=N blocks this process's event loop for N ms (a stand-in for a
    # blocking call on the loop). Never enable it in production: anyone who can reach the port could stall calls.
    debug_stall_enabled: bool = False
    # `ivr serve --workers N`: the host name or address Asterisk uses to reach this machine's AudioSocket ports;
    # each worker answers registrations with `<this>:<IVR_AUDIOSOCKET__PORT + worker index>`. Empty: the
    # AudioSocket bind address (IVR_AUDIOSOCKET__HOST), which must then not be a wildcard.
    advertise_host: str = ""
    # Set by `ivr serve --workers N` for each worker process (0..N-1); leave it at 0 otherwise.
    worker: int = Field(default=0, ge=0, le=63)

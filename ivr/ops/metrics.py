"""GET /metrics (Prometheus text format) and, for chaos tests only, POST /ops/debug/stall.

Values are read from the running process at scrape time (one CollectorRegistry per scrape, no globals): loop lag
from the LoopWatch, live calls from the CallRegistry, late frames and speech-to-first-audio of recent calls, the
outbox depth. Counts and timings only — never a number, a name or what a caller said. With `ivr serve --workers N`
each worker answers for itself on its own HTTP port (label `worker`).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Query, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ivr.calls.registry import LATENCY_BUCKETS
from ivr.deps import RuntimeDep, SettingsDep
from ivr.ops.loopwatch import BUCKETS
from ivr.runtime import Runtime
from models.reach import Callback
from models.reminders import Reminder

router = APIRouter(tags=["ops"])


class RuntimeCollector(Collector):
    def __init__(self, runtime: Runtime, outbox_pending: int | None,
                 outcomes: dict[str, dict[str, int]] | None = None) -> None:
        self._rt = runtime
        self._outbox_pending = outbox_pending
        self._outcomes = outcomes or {}

    def collect(self) -> Iterator[Metric]:
        rt = self._rt
        labels = [str(rt.worker), str(os.getpid())]
        info = GaugeMetricFamily("ivr_worker", "This IVR worker process (always 1).", labels=["worker", "pid"])
        info.add_metric(labels, 1)
        yield info
        w = ["worker"]
        watch = rt.loopwatch
        if watch is not None:
            st = watch.stats
            hist = HistogramMetricFamily("ivr_event_loop_lag_seconds",
                                         "How late the loop-lag watch woke (the loop that paces call audio).",
                                         labels=w)
            hist.add_metric([str(rt.worker)], [(str(b), float(n)) for b, n in zip(BUCKETS, st.buckets, strict=True)]
                            + [("+Inf", float(st.samples))], st.total_s)
            yield hist
            yield _gauge("ivr_event_loop_lag_max_seconds", "Largest loop lag in the last 60 s.", rt,
                         st.recent_max(time.monotonic()))
            stalls = CounterMetricFamily("ivr_event_loop_stalls",
                                         "Loop wake-ups later than IVR_OPS__LOOP_STALL_MS, by cause: cpu = code ran "
                                         "on the loop, no_cpu = no core was free, waited = a blocking call or the GIL.",
                                         labels=["worker", "cause"])
            for cause, n in st.causes.items():
                stalls.add_metric([str(rt.worker), cause], n)
            yield stalls
        reg = rt.registry
        yield _gauge("ivr_calls_active", "Calls connected now (AudioSocket sessions).", rt, len(reg.sessions))
        yield _gauge("ivr_calls_pending", "Calls registered, not yet connected.", rt, reg.pending)
        yield _gauge("ivr_calls_capacity", "Calls admitted at once (IVR_CALLS__MAX_CALLS).", rt,
                     rt.settings.calls.max_calls)
        yield _counter("ivr_calls_completed", "Calls ended since start.", rt, reg.completed)
        tot = reg.totals
        ended = CounterMetricFamily("ivr_calls_ended", "Calls ended since start, by outcome.",
                                    labels=["worker", "outcome"])
        for outcome, n in sorted(tot.outcomes.items()):
            ended.add_metric([str(rt.worker), outcome], n)
        yield ended
        yield _counter("ivr_frames_sent", "Outbound audio frames sent by ended calls.", rt, tot.frames_sent)
        yield _counter("ivr_late_frames", "Outbound frames sent later than IVR_AUDIOSOCKET__LATE_FRAME_MS.", rt,
                       tot.late_frames)
        yield _counter("ivr_barge_ins", "Prompts the caller interrupted.", rt, tot.barge_ins)
        turn = HistogramMetricFamily("ivr_speech_to_audio_seconds",
                                     "End of caller speech to the bot's first audio (every turn of ended calls).",
                                     labels=w)
        turn.add_metric([str(rt.worker)], [(str(b), float(n)) for b, n in zip(LATENCY_BUCKETS, tot.latency_buckets,
                                                                               strict=True)]
                        + [("+Inf", float(tot.latency_count))], tot.latency_sum_s)
        yield turn
        recent = list(reg.recent)
        yield _gauge("ivr_recent_calls", "Calls in the recent-calls window the next metrics describe.", rt,
                     len(recent))
        yield _gauge("ivr_recent_late_frames", "Outbound frames sent late in recent calls.", rt,
                     sum(s.late_frames for s in recent))
        yield _gauge("ivr_recent_frames_sent", "Outbound frames sent in recent calls.", rt,
                     sum(s.frames_sent for s in recent))
        lat = sorted(ms for s in recent for ms in s.speech_to_audio_ms)
        q = GaugeMetricFamily("ivr_recent_speech_to_audio_seconds",
                              "End of caller speech to the bot's first audio, recent calls.", labels=["worker", "q"])
        for p in (0.5, 0.95):
            if lat:
                q.add_metric([str(rt.worker), str(p)], lat[min(len(lat) - 1, round(p * (len(lat) - 1)))] / 1000)
        yield q
        if self._outbox_pending is not None:
            yield _gauge("ivr_outbox_pending", "Ledger writes waiting in the outbox (all hosts).", rt,
                         self._outbox_pending)
        for kind, by_status in self._outcomes.items():
            g = GaugeMetricFamily(f"ivr_{kind}", f"Outbound {kind} by status (all hosts: the shared database).",
                                  labels=["worker", "status"])
            for status, n in sorted(by_status.items()):
                g.add_metric([str(rt.worker), status], n)
            yield g


def _gauge(name: str, doc: str, rt: Runtime, value: float) -> GaugeMetricFamily:
    g = GaugeMetricFamily(name, doc, labels=["worker"])
    g.add_metric([str(rt.worker)], value)
    return g


def _counter(name: str, doc: str, rt: Runtime, value: float) -> CounterMetricFamily:
    c = CounterMetricFamily(name, doc, labels=["worker"])
    c.add_metric([str(rt.worker)], value)
    return c


@router.get("/metrics")
async def metrics(runtime: RuntimeDep) -> Response:
    if not runtime.settings.ops.metrics_enabled:
        raise HTTPException(404, "metrics are off (IVR_OPS__METRICS_ENABLED=false)")
    try:
        pending: int | None = await runtime.ledger.outbox.pending_count()  # SQL in a worker thread
    except Exception:  # the database is down: the other metrics still answer
        pending = None
    outcomes: dict[str, dict[str, int]] = {}
    if runtime.sessions is not None:
        try:
            outcomes = await asyncio.to_thread(_outbound_statuses, runtime.sessions)
        except Exception:
            outcomes = {}
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RuntimeCollector(runtime, pending, outcomes))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def _outbound_statuses(sessions: sessionmaker[Session]) -> dict[str, dict[str, int]]:
    """Reminders and callbacks by status (two grouped counts; runs in a worker thread)."""
    with sessions() as s:
        return {"reminders": {k: int(n) for k, n in s.execute(
                    select(Reminder.status, func.count()).group_by(Reminder.status)).all()},
                "callbacks": {k: int(n) for k, n in s.execute(
                    select(Callback.status, func.count()).group_by(Callback.status)).all()}}


@router.post("/ops/debug/stall")
async def stall(settings: SettingsDep, ms: int = Query(ge=1, le=10000)) -> dict[str, int]:
    """Block this process's event loop for `ms` (chaos tests of worker isolation); off unless enabled."""
    if not settings.ops.debug_stall_enabled:
        raise HTTPException(404, "not found")
    time.sleep(ms / 1000)  # deliberately ON the loop: this is the fault being injected
    return {"stalled_ms": ms, "pid": os.getpid()}

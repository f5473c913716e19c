"""FastAPI app of the reference core ledger: the /v1 HTTP contract the IVR's ledger_client talks to."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ledger_core import queries, schemas
from ledger_core.batch import post_batch
from ledger_core.db import create_schema, make_engine, make_sessionmaker
from ledger_core.errors import BadRequest, BatchRejected, IdempotencyConflict, NotFound

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": schemas.ErrorDetail, "description": "unknown id"}}


def _session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


def create_app(database_url: str) -> FastAPI:
    """Build the app on `database_url` (SQLite default, PostgreSQL via postgresql+psycopg://); creates the schema."""
    engine = make_engine(database_url)
    create_schema(engine)
    app = FastAPI(title="MiKashBoks core ledger (reference)", version="1.0.0")
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    # Batches are serialised inside this process so two retries of the same keys never race on SQLite's writer
    # lock; the UNIQUE idempotency key (with one retry below) still guards against several processes.
    app.state.write_lock = threading.Lock()
    _install_error_handlers(app)

    @app.get("/v1/health", response_model=schemas.Health)
    def health() -> schemas.Health:
        return schemas.Health()

    @app.get("/v1/memberships", response_model=schemas.Memberships)
    def memberships(session: SessionDep, phone: Annotated[str, Query(min_length=1)]) -> schemas.Memberships:
        return queries.memberships(session, phone)

    @app.get("/v1/groups/{group_id}", response_model=schemas.GroupInfo, responses=NOT_FOUND)
    def group(session: SessionDep, group_id: str) -> schemas.GroupInfo:
        return queries.group_info(session, group_id)

    @app.get("/v1/groups/{group_id}/position", response_model=schemas.GroupPosition, responses=NOT_FOUND)
    def group_position(session: SessionDep, group_id: str, as_of: date | None = None) -> schemas.GroupPosition:
        return queries.group_position(session, group_id, as_of)

    @app.get("/v1/groups/{group_id}/members", response_model=schemas.Roster, responses=NOT_FOUND)
    def roster(session: SessionDep, group_id: str) -> schemas.Roster:
        return queries.roster(session, group_id)

    @app.get(
        "/v1/groups/{group_id}/members/{member_id}/position",
        response_model=schemas.MemberPosition,
        responses=NOT_FOUND,
    )
    def member_position(session: SessionDep, group_id: str, member_id: str) -> schemas.MemberPosition:
        return queries.member_position(session, group_id, member_id)

    @app.get("/v1/groups/{group_id}/meetings", response_model=schemas.Meetings, responses=NOT_FOUND)
    def meetings(
        session: SessionDep,
        group_id: str,
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
    ) -> schemas.Meetings:
        return queries.meetings(session, group_id, start, end)

    @app.post(
        "/v1/groups/{group_id}/meetings/{date}/transactions",
        response_model=schemas.BatchResult,
        responses={**NOT_FOUND, 409: {"model": schemas.ErrorDetail, "description": "idempotency key reused"}},
    )
    def transactions(session: SessionDep, group_id: str, date: dt.date, batch: schemas.Batch) -> schemas.BatchResult:
        with app.state.write_lock:
            for attempt in (1, 2):
                try:
                    result = post_batch(session, group_id, date, batch.entries)
                    session.commit()
                    return result
                except IntegrityError:
                    # Another process committed one of these keys between our check and our commit: re-run, and
                    # those entries now come back as replays (or a 409 if their payload differs).
                    session.rollback()
                    if attempt == 2:
                        raise
                except Exception:
                    session.rollback()
                    raise
        raise AssertionError("unreachable")

    @app.get("/v1/events/upcoming", response_model=schemas.Events)
    def upcoming(
        session: SessionDep,
        start: Annotated[datetime, Query(alias="from")],
        end: Annotated[datetime, Query(alias="to")],
    ) -> schemas.Events:
        return queries.upcoming_events(session, start, end)

    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(IdempotencyConflict)
    def _conflict(_request: Request, exc: IdempotencyConflict) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(BatchRejected)
    def _rejected(_request: Request, exc: BatchRejected) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": [p.as_detail() for p in exc.problems]})

    @app.exception_handler(BadRequest)
    def _bad(_request: Request, exc: BadRequest) -> JSONResponse:
        item = {"loc": exc.loc, "msg": exc.reason, "type": "value_error"}
        return JSONResponse(status_code=422, content={"detail": [item]})

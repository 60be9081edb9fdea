"""One unit of work per request: the route class opens a session, commits once before the
response leaves, or rolls back on an exception (keeping the audit rows of refused attempts).

On the SQLite web server a GET runs its handler in a read phase that takes no lock, and writes
what it queued (audit rows) in one short transaction afterwards (db/session.py, READ_PHASE).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from peerpath.core import audit
from peerpath.db.session import Database, WriteNeeded, in_read_phase, take_later_writes

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class UnitOfWorkRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def with_unit_of_work(request: Request) -> Response:
            database: Database = request.app.state.database
            # Wait for a free connection here, on the event loop, not in a worker thread
            # (see Database.turn: 64 writers against 40 threads otherwise stall).
            async with database.turn():
                if database.read_sessionmaker is not None and request.method in READ_METHODS:
                    try:
                        return await _run(request, handler, database, database.read_sessionmaker)
                    except WriteNeeded:
                        # Nothing was written and nothing was sent: start again, as a writer.
                        log.info("%s %s writes: run again as a writer", request.method, self.path)
                        if hasattr(request.state, "viewer"):
                            del request.state.viewer
                return await _run(request, handler, database, database.sessionmaker)

        return with_unit_of_work


async def _run(request: Request, handler: Handler, database: Database, make: Any) -> Response:
    db: Session = make()
    db.info["database"] = database
    request.state.db = db
    try:
        response = await handler(request)
        # A handler that returns normally means its work stands, even when it answers
        # 4xx on purpose (a failed sign-in still records the attempt).
        await run_in_threadpool(_commit, db, database)
        return response
    except WriteNeeded:
        await run_in_threadpool(db.rollback)
        raise
    except BaseException:
        await run_in_threadpool(_rollback_keeping_denials, db, database)
        raise
    finally:
        await run_in_threadpool(db.close)


def _commit(db: Session, database: Database) -> None:
    db.commit()
    later = take_later_writes(db)
    if later:
        # The read phase is over and its connection is back in the pool: the queued writes
        # take the write lock only for as long as they need it.
        with database.session_scope() as writer:
            for write in later:
                write(writer)


def _rollback_keeping_denials(db: Session, database: Database) -> None:
    db.rollback()
    take_later_writes(db)  # a failed request's reads are not on record, as before
    if in_read_phase(db):
        with database.session_scope() as writer:
            audit.restore_denied_after_rollback(writer, remembered_by=db)
        return
    audit.restore_denied_after_rollback(db)
    if db.new:
        db.commit()

"""One unit of work per request: the route class opens a session, commits once before the
response leaves, or rolls back on an exception (keeping the audit rows of refused attempts)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from peerpath.core import audit


class UnitOfWorkRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_unit_of_work(request: Request) -> Response:
            database = request.app.state.database
            # Wait for a free connection here, on the event loop, not in a worker thread
            # (see Database.turn: 64 writers against 40 threads otherwise stall).
            async with database.turn():
                db = database.sessionmaker()
                db.info["database"] = database
                request.state.db = db
                try:
                    response = await handler(request)
                    # A handler that returns normally means its work stands, even when it
                    # answers 4xx on purpose (a failed sign-in still records the attempt).
                    await run_in_threadpool(db.commit)
                    return response
                except BaseException:
                    await run_in_threadpool(_rollback_keeping_denials, db)
                    raise
                finally:
                    await run_in_threadpool(db.close)

        return with_unit_of_work


def _rollback_keeping_denials(db: Any) -> None:
    db.rollback()
    audit.restore_denied_after_rollback(db)
    if db.new:
        db.commit()

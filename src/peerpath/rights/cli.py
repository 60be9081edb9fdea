"""`peerpath retention run [--dry-run]`: erase the data of members whose retention period after
leaving is over. Prints counts per table, never content."""

from __future__ import annotations

from typing import Annotated

import typer

from peerpath.db.session import Database
from peerpath.rights import leaving
from peerpath.settings import get_settings

NAME = "retention"
app = typer.Typer(help="Erasing members' data after they leave.", no_args_is_help=True)


@app.command("run")
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show what would be erased; change nothing.")
    ] = False,
) -> None:
    """Erase what is due: every member who left longer ago than their organization keeps data."""
    settings = get_settings()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings)
    db = database.sessionmaker()
    try:
        report = leaving.run(db, dry_run=dry_run)
        if dry_run:
            db.rollback()
        else:
            db.commit()
    finally:
        db.close()
        database.dispose()
    verb = "Would erase" if dry_run else "Erased"
    for erasure in report.erased:
        typer.echo(
            f"{verb} member {erasure.member_id} (organization {erasure.organization_id}, left "
            f"{erasure.left_at:%Y-%m-%d}, due {erasure.due_at:%Y-%m-%d}): "
            f"{erasure.total} rows: {erasure.summary()}"
        )
    typer.echo(
        f"{verb} {len(report.erased)} member(s); {report.not_due} not due yet"
        + (f"; {report.came_back} reactivated since leaving (kept)" if report.came_back else "")
        + (" (dry run: nothing was changed)" if dry_run else "")
        + "."
    )

"""`peerpath trainer ...`: check and sync the shipped question bank, list blueprints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peerpath.core.audit import Viewer

NAME = "trainer"
app = typer.Typer(help="Exam trainer: question bank and blueprints.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Validate the shipped bank files and study-note links without touching the database."""
    from peerpath.trainer.loader import BankError, load_bank
    from peerpath.trainer.notes import NOTES_DIR

    try:
        bank = load_bank()
    except BankError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(1) from None
    missing = sorted(
        {q.study_note for q in bank.questions if not (NOTES_DIR / f"{q.study_note}.md").is_file()}
    )
    typer.echo(f"{len(bank.questions)} questions in {len(bank.files)} files are valid.")
    if missing:
        typer.echo(f"Study notes not written yet: {', '.join(missing)}", err=True)
        raise typer.Exit(1)


@app.command("sync")
def sync(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change, change nothing.")
    ] = False,
) -> None:
    """Bring the database's shipped questions in line with the bank files (idempotent: a
    changed question gets a new version, a removed one is retired)."""
    from peerpath.cli import _database
    from peerpath.trainer import service
    from peerpath.trainer.loader import BankError, load_bank

    try:
        bank = load_bank()
    except BankError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(1) from None
    database = _database()
    try:
        with database.session_scope() as db:
            result = service.sync_shipped(db, bank)
            if dry_run:
                db.rollback()
    finally:
        database.dispose()
    typer.echo(f"{'Would sync' if dry_run else 'Synced'} the shipped bank: {result}.")


@app.command("blueprints")
def blueprints() -> None:
    """List the mock-exam blueprints and how many questions each domain gets."""
    from peerpath.trainer.config import allocate, config

    cfg = config()
    for key, bp in cfg.blueprints.items():
        counts = allocate(bp.questions, bp.weights)
        split = ", ".join(f"{d} {n}" for d, n in counts.items())
        default = " (default)" if key == cfg.default_blueprint else ""
        typer.echo(f"{key}{default}: {bp.questions} questions, {bp.minutes} min; {split}")


def _trainer_viewer(db: Session, username: str) -> Viewer:
    from sqlalchemy import select

    from peerpath.core.audit import Viewer
    from peerpath.db.models import Role, User

    user = db.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active or user.role not in (Role.SUPERVISOR, Role.ADMIN):
        typer.echo(f"{username} is not an active supervisor or admin.", err=True)
        raise typer.Exit(1)
    return Viewer(user=user, ip="cli")


@app.command("import")
def import_questions(
    file: Annotated[typer.FileText, typer.Argument(help="A YAML or CSV file; - for stdin.")],
    as_user: Annotated[
        str, typer.Option("--as", help="Username of the supervisor or admin importing.")
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="yaml or csv (default: from the file name).")
    ] = "",
) -> None:
    """Import an organization's own questions (all or nothing; changed ones get a version)."""
    from peerpath.cli import _database
    from peerpath.core.errors import Invalid
    from peerpath.trainer import service

    name = getattr(file, "name", "stdin")
    chosen = fmt or ("csv" if str(name).lower().endswith(".csv") else "yaml")
    if chosen not in ("yaml", "csv"):
        typer.echo("--format is yaml or csv.", err=True)
        raise typer.Exit(2)
    text = file.read()
    database = _database()
    try:
        with database.session_scope() as db:
            viewer = _trainer_viewer(db, as_user)
            result = service.import_text(db, viewer, text, chosen, str(name)[-64:])
    except Invalid as exc:
        typer.echo(exc.message, err=True)
        for problem in exc.errors.values():
            for line in problem.split(" | "):
                typer.echo(line, err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(
        f"Imported: {result.created} new, {result.updated} updated, {result.unchanged} unchanged."
    )


@app.command("export")
def export_questions(
    as_user: Annotated[
        str, typer.Option("--as", help="Username of a supervisor or admin (their organization).")
    ],
    fmt: Annotated[str, typer.Option("--format", help="yaml or csv.")] = "yaml",
    source: Annotated[str, typer.Option(help="shipped, organization, or empty for both.")] = "",
) -> None:
    """Print the questions in use (shipped and the organization's own) as YAML or CSV."""
    from peerpath.cli import _database
    from peerpath.trainer import service

    if fmt not in ("yaml", "csv"):
        typer.echo("--format is yaml or csv.", err=True)
        raise typer.Exit(2)
    database = _database()
    try:
        with database.session_scope() as db:
            viewer = _trainer_viewer(db, as_user)
            text = service.export_text(db, viewer, fmt, source=source)
    finally:
        database.dispose()
    typer.echo(text, nl=False)

"""The `peerpath` command (Typer). Every command is documented in docs/cli.md (a test checks)."""

from __future__ import annotations

import getpass
import logging
import secrets
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy import select

from peerpath.db import migrate
from peerpath.db.backup import BackupError
from peerpath.db.backup import backup as run_backup
from peerpath.db.backup import restore as run_restore
from peerpath.db.session import Database
from peerpath.settings import Settings, get_settings

app = typer.Typer(
    help="peerpath: recovery-oriented peer support.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys for journal entries.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(org_app, name="org")
app.add_typer(keys_app, name="keys")


def _settings() -> Settings:
    """The settings, or a plain explanation of what is wrong with them (no traceback)."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        _fail(f"peerpath cannot start with these settings: {problems}")


def _database() -> Database:
    settings = _settings()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    return Database(settings)


def _fail(message: str) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL scales best).")] = 1,
) -> None:
    """Serve peerpath over HTTP (refuses to start on an out-of-date database)."""
    import uvicorn

    settings = _settings()
    database = _database()
    current, head = migrate.current(database.engine), migrate.head()
    database.dispose()
    if current != head:
        _fail(
            f"The database is at revision {current}, the code expects {head}. "
            "Run `peerpath db upgrade` first."
        )
    settings.resolved_secret_key()  # create it once here, before workers race for it
    typer.echo(f"peerpath is serving at {settings.base_url} (press Ctrl+C to stop)")
    uvicorn.run(
        "peerpath.app:create_app",
        factory=True,
        # Access logs would write search words and ids from URLs (a journal search) to logs.
        access_log=False,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        proxy_headers=False,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    database = _database()
    migrate.upgrade(database.engine, revision)
    typer.echo(f"Database is at {migrate.current(database.engine)}.")
    database.dispose()


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one the code knows."""
    database = _database()
    typer.echo(f"database: {migrate.current(database.engine)}\ncode head: {migrate.head()}")
    database.dispose()


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Option("--message", "-m")],
    empty: Annotated[bool, typer.Option(help="Do not autogenerate.")] = False,
) -> None:
    """Create a migration from the difference between the models and the database."""
    database = _database()
    migrate.revision(database.engine, message, autogenerate=not empty)
    database.dispose()


@app.command()
def demo(
    if_new: Annotated[
        bool,
        typer.Option(
            "--if-new", help="Load only into a new database; otherwise skip without an error."
        ),
    ] = False,
    scale: Annotated[
        str | None,
        typer.Option(
            "--scale",
            help="Also generate a large dataset for benchmarks: small, medium or large "
            "(large: 20 organizations, 20,000 members, millions of rows).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed for --scale data.")] = 7,
) -> None:
    """Load the demo organizations (refused when the database has real accounts)."""
    from peerpath.demo import RealDataPresent, load_demo, logins_text
    from peerpath.scale import SCALES

    if scale is not None and scale not in SCALES:
        _fail(f"--scale must be one of: {', '.join(SCALES)}.")
    database = _database()
    try:
        with database.session_scope() as db:
            loaded = load_demo(db)
        if scale is not None:
            _generate_scale(database, scale, seed)
    except RealDataPresent as exc:
        if if_new:
            typer.echo("Real accounts exist; demo data not loaded.")
            return
        _fail(str(exc))
    finally:
        database.dispose()
    if not loaded and not if_new and scale is None:
        typer.echo("Demo data was already loaded.")
    typer.echo(logins_text(_settings().base_url))


def _generate_scale(database: Database, scale: str, seed: int) -> None:
    import time

    from peerpath.db.models import Organization
    from peerpath.scale import expected_rows, generate

    with database.session_scope() as db:
        if db.scalar(select(Organization.id).where(Organization.slug.like("scale%"))):
            typer.echo("Scale data is already loaded; nothing generated.")
            return
    started = time.perf_counter()
    with typer.progressbar(length=expected_rows(scale), label=f"Generating {scale} data") as bar:
        counts = generate(database.engine, scale, seed=seed, progress=lambda _, n: bar.update(n))
    elapsed = time.perf_counter() - started
    total = sum(counts.values())
    typer.echo(f"Wrote {total:,} rows in {elapsed:.0f} s:")
    for table, count in sorted(counts.items()):
        typer.echo(f"  {table:<26} {count:>10,}")
    typer.echo("Every generated account signs in with the demo password, e.g. scale01.peer1.")


@org_app.command("create")
def org_create(slug: str, name: str) -> None:
    """Create an organization (a tenant) with a short SLUG and a display NAME."""
    from peerpath.db.models import Organization

    database = _database()
    with database.session_scope() as db:
        if db.scalar(select(Organization.id).where(Organization.slug == slug)) is not None:
            _fail(f"An organization with slug '{slug}' exists already.")
        db.add(Organization(slug=slug, name=name))
    database.dispose()
    typer.echo(f"Created organization {slug}: {name}")


@user_app.command("create")
def user_create(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    username: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option(help="Name they go by.")],
    role: Annotated[
        str, typer.Option(help="member, peer_specialist, supervisor, admin, supporter or trainee.")
    ],
    password: Annotated[str | None, typer.Option(help="Asked for when not given.")] = None,
) -> None:
    """Create an account (the way to make an organization's first admin)."""
    from peerpath.accounts import service as accounts
    from peerpath.accounts.schemas import UserCreate
    from peerpath.core import audit
    from peerpath.core.errors import Invalid
    from peerpath.db.models import Organization, User

    if password is None:
        password = getpass.getpass("Password (12+ characters): ")
    database = _database()
    try:
        with database.session_scope() as db:
            organization = db.scalar(select(Organization).where(Organization.slug == org))
            if organization is None:
                _fail(f"No organization '{org}'. Create it with `peerpath org create`.")
            data = UserCreate.model_validate(
                {
                    "username": username.strip().lower(),
                    "display_name": name,
                    "role": role,
                    "password": password,
                }
            )
            if db.scalar(select(User.id).where(User.username == data.username)) is not None:
                _fail(f"The username '{data.username}' is taken.")
            accounts.validate_new_password(password, username=data.username, field="password")
            user = User(
                organization_id=organization.id,
                username=data.username,
                display_name=data.display_name,
                role=data.role,
                is_active=True,
            )
            db.add(user)
            db.flush()
            accounts.set_password(db, user, password)
            audit.record(
                db,
                action="create",
                record_type="user",
                record_id=user.id,
                organization_id=organization.id,
                allowed=True,
                detail="created with the peerpath CLI",
            )
    except ValidationError as exc:
        _fail("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors()))
    except Invalid as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    typer.echo(f"Created {username} ({role}) in {org}.")


@app.command()
def backup(
    path: Path, force: Annotated[bool, typer.Option(help="Overwrite PATH.")] = False
) -> None:
    """Write a consistent backup of the live database to PATH."""
    database = _database()
    try:
        run_backup(database.engine, database.settings, path, force=force)
    except BackupError as exc:
        _fail(str(exc))
    finally:
        database.dispose()
    typer.echo(f"Backup written to {path}")


@app.command()
def restore(
    path: Path,
    force: Annotated[bool, typer.Option(help="Replace a database that already has data.")] = False,
) -> None:
    """Replace the database with the backup at PATH (refuses to overwrite without --force)."""
    database = _database()
    try:
        run_restore(database.engine, database.settings, path, force=force)
    except BackupError as exc:
        _fail(str(exc))
    finally:
        database.dispose()
    typer.echo(f"Restored from {path}")


def _key_id() -> str:
    return f"k{secrets.token_hex(4)}"


@keys_app.command("new")
def keys_new() -> None:
    """Print a fresh key (id:base64) for PEERPATH_ENCRYPTION_KEYS."""
    from peerpath.core.crypto import format_key, new_key

    typer.echo(format_key(_key_id(), new_key()))


@keys_app.command("rotate")
def keys_rotate(
    batch_size: Annotated[
        int, typer.Option(min=1, max=100_000, help="Entries re-encrypted per transaction.")
    ] = 500,
) -> None:
    """Re-encrypt every journal entry under a new current key, then report the counts."""
    from peerpath.checkins.journal.service import rotate
    from peerpath.core.crypto import (
        KEYRING_FILE,
        CryptoError,
        Keyring,
        load_keyring,
        new_key,
        parse_keys,
        write_keyring_file,
    )

    settings = _settings()
    database = _database()
    db = database.sessionmaker()
    try:
        if settings.encryption_keys:
            # Keys from the environment: the first one listed becomes every entry's key.
            try:
                current, keys = parse_keys(settings.encryption_keys)
            except CryptoError as exc:
                _fail(f"PEERPATH_ENCRYPTION_KEYS: {exc}")
            keyring = Keyring(current_id=current, keys=keys)
            count = rotate(db, keyring, keyring, batch_size=batch_size, after_batch=db.commit)
            db.commit()
            typer.echo(
                f"Re-encrypted {count} journal entries; every entry now uses key '{current}'."
            )
            others = [k for k in keys if k != current]
            if others:
                typer.echo(
                    f"You may now remove the other keys ({', '.join(others)}) from "
                    "PEERPATH_ENCRYPTION_KEYS and restart the server."
                )
            return
        # Keys in <var_dir>/encryption_keys.json: make a new key, write the keyring with both
        # (new one current), re-encrypt, then rewrite it without the old keys.
        path = settings.var_dir / KEYRING_FILE
        old = load_keyring(settings)  # creates the file on a new install
        new_id = _key_id()
        keys = {new_id: new_key(), **old.keys}
        write_keyring_file(path, new_id, keys)
        both = Keyring(current_id=new_id, keys=keys)
        count = rotate(db, both, both, batch_size=batch_size, after_batch=db.commit)
        db.commit()
        write_keyring_file(path, new_id, {new_id: keys[new_id]})
        # A running server may have saved an entry under an old key while this ran: this
        # process still holds the old keys, so it re-encrypts those too.
        while extra := rotate(db, both, both, batch_size=batch_size, after_batch=db.commit):
            count += extra
        db.commit()
        typer.echo(f"Re-encrypted {count} journal entries under the new key '{new_id}'.")
        typer.echo(f"Removed the old key(s) {', '.join(old.keys)} from {path}.")
    except CryptoError as exc:
        db.rollback()
        _fail(
            f"Key rotation stopped: {exc}. Entries re-encrypted so far are saved and every "
            "key is still in place, so nothing is unreadable. Add the missing key and run "
            "`peerpath keys rotate` again."
        )
    finally:
        db.close()
        database.dispose()


def _add_feature_commands() -> None:
    from peerpath.features import feature_modules

    for module in feature_modules("cli"):
        app.add_typer(module.app, name=module.NAME)


_add_feature_commands()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app()

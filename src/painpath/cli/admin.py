"""Operating commands: serve, db, demo, users, audit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from painpath.cli._common import cli_errors

if TYPE_CHECKING:
    from painpath.bootstrap import Container
    from painpath.config import Settings

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")


def _container() -> Container:
    from painpath.bootstrap import build_container
    from painpath.config import Settings

    return build_container(Settings(), worker_threads=0)


# How long the supervisor waits for a worker to answer its health check before killing it.
# Uvicorn's default is 5 s, answered by a thread inside the worker that needs the GIL: a worker
# busy on a loaded machine (the load benchmark on a shared 2-core host) missed it and was
# killed, its clients' requests cut off. A worker that is truly stuck is still replaced.
WORKER_HEALTHCHECK_S = 60


def default_workers(settings: Settings) -> int:
    """One process per CPU core (at most 8) on PostgreSQL: a process runs Python on one core
    at a time (the GIL), so one process leaves the other cores to the database alone. One on
    SQLite, where a single writer holds the database at a time anyway."""
    if settings.is_sqlite:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _fit_connection_budget(settings: Settings, workers: int) -> Settings:
    """At start-up (not under load): with the default pool sizes, shrink each process's pool
    so that ``workers`` pools fit PostgreSQL's ``max_connections`` (the worker processes read
    the sizes from the environment); with sizes set explicitly, only warn."""
    from sqlalchemy.exc import OperationalError

    from painpath.adapters.db.engine import (
        PoolSettings,
        connection_budget_problem,
        fit_pool,
        make_engine,
        postgres_max_connections,
    )

    url = settings.effective_database_url
    if not url.startswith("postgresql"):
        return settings
    pool = PoolSettings(size=settings.db_pool_size, max_overflow=settings.db_max_overflow)
    engine = make_engine(url, pool=PoolSettings(size=1, max_overflow=0))
    try:
        limit = postgres_max_connections(engine)
    except OperationalError as exc:  # the server may come up later; requests will say so
        typer.secho(f"warning: could not reach the database yet: {exc}", err=True)
        return settings
    finally:
        engine.dispose()
    if limit is None:
        return settings
    chosen = {"db_pool_size", "db_max_overflow"} & settings.model_fields_set
    fitted = pool if chosen else fit_pool(pool, workers, limit)
    if fitted is not pool:
        os.environ["PAINPATH_DB_POOL_SIZE"] = str(fitted.size)
        os.environ["PAINPATH_DB_MAX_OVERFLOW"] = str(fitted.max_overflow)
        typer.echo(
            f"database connections per process: {fitted.size} pooled +"
            f" {fitted.max_overflow} overflow, so {workers} processes fit PostgreSQL's"
            f" max_connections {limit}"
        )
        settings = settings.model_copy(
            update={"db_pool_size": fitted.size, "db_max_overflow": fitted.max_overflow}
        )
    problem = connection_budget_problem(fitted, workers, limit)
    if problem:
        typer.secho(f"warning: {problem}", err=True, fg=typer.colors.YELLOW)
    return settings


def serve(
    host: str = typer.Option(None, help="Interface to bind (default PAINPATH_HOST or 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default PAINPATH_PORT or 8000)."),
    workers: int = typer.Option(
        None,
        "--workers",
        min=1,
        max=64,
        help="Server processes (uvicorn workers). Default: one per CPU core (at most 8) on"
        " PostgreSQL, 1 on SQLite.",
    ),
) -> None:
    """Serve the web app (pages and the JSON API)."""
    import uvicorn

    from painpath.config import Settings
    from painpath.web.app import create_app

    with cli_errors():
        settings = Settings()
        # Validate the settings and create the secret key file once, before any worker starts,
        # so every process signs with the same key.
        settings.resolve_secret_key()
        workers = workers or default_workers(settings)
        settings = _fit_connection_budget(settings, workers)
        app = create_app(settings) if workers == 1 else None
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(
        f"PainPath is serving on http://{bind_host}:{bind_port} with {workers} "
        f"process{'es' if workers > 1 else ''}  (Ctrl+C stops it)"
    )
    # proxy_headers off: the app decides whom to believe (PAINPATH_TRUSTED_PROXIES).
    if app is not None:
        uvicorn.run(
            app,
            host=bind_host,
            port=bind_port,
            log_level="warning",
            access_log=False,  # below the warning level anyway; skip building the records
            proxy_headers=False,
        )
        return
    # Several processes: each builds its own app from the same environment. Sessions, jobs,
    # scheduled-task claims and the caseload summaries live in the database, so they agree.
    uvicorn.run(
        "painpath.web.app:app_from_environment",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Create or migrate the database schema (Alembic)."""
    from painpath.adapters.db.migrate import upgrade_database

    with cli_errors():
        container = _container()
        upgrade_database(container.engine, revision=revision)
    typer.echo(f"database is at revision {revision}: {container.settings.effective_database_url}")


def demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="Seed only when there are no users."),
) -> None:
    """Seed a demo clinic with realistic patients, and print the demo sign-in."""
    from painpath.config import Mode
    from painpath.demo import DEMO_PASSWORD, seed_demo

    with cli_errors():
        container = _container()
        if container.settings.mode is Mode.PRODUCTION:
            typer.echo("error: refusing to seed demo accounts in production mode", err=True)
            raise typer.Exit(2)
        with container.uow() as uow:
            has_users = uow.users.count() > 0
        if has_users and if_empty:
            typer.echo("demo data already present; leaving it as it is")
        else:
            summary = seed_demo(container)
            typer.echo(summary)
    typer.echo("")
    typer.echo("Demo sign-in (local evaluation only):")
    typer.echo(f"  clinician  clinician@demo.painpath.local  /  {DEMO_PASSWORD}")
    typer.echo(f"  patient    maria@demo.painpath.local      /  {DEMO_PASSWORD}")
    typer.echo(f"  admin      admin@demo.painpath.local      /  {DEMO_PASSWORD}")
    typer.echo("             admins always use an authenticator app: the first sign-in shows a")
    typer.echo("             key to add to one (any TOTP app), asks for its 6-digit code, and")
    typer.echo("             shows recovery codes; later sign-ins ask for a code")
    port = os.environ.get("PAINPATH_PORT", "8000")
    typer.echo(f"  open http://127.0.0.1:{port}")


@users_app.command("create")
def users_create(
    email: str = typer.Option(..., help="Sign-in email."),
    name: str = typer.Option(..., help="Full name."),
    role: str = typer.Option(..., help="admin or clinician."),
    clinic: str = typer.Option("Demo Clinic", help="Clinic name (created if missing)."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters."
    ),
) -> None:
    """Create an admin or clinician account (patients get accounts from their chart)."""
    from painpath.domain.accounts import Role
    from painpath.domain.errors import InvalidInput
    from painpath.services.system import create_staff_user

    with cli_errors():
        if role not in (Role.ADMIN.value, Role.CLINICIAN.value):
            raise InvalidInput("--role must be admin or clinician")
        user = create_staff_user(
            _container().context(),
            email=email,
            name=name,
            role=Role(role),
            clinic_name=clinic,
            password=password,
        )
    typer.echo(f"created {user.role.value} {user.email} (id {user.id})")


@audit_app.command("verify")
def audit_verify(
    checkpoint: list[Path] = typer.Option(
        [], "--checkpoint", help="An exported checkpoint file to compare with (repeatable)."
    ),
) -> None:
    """Check the whole HMAC chain, its head and signed checkpoints; report every problem
    (altered or re-hashed events, missing events, truncation, forged checkpoints)."""
    from painpath.services.audit import audit_report, load_checkpoints

    with cli_errors():
        exported = [p for f in checkpoint for p in load_checkpoints(f.read_text("utf-8"))]
        checked, findings = audit_report(_container().context(), exported=exported)
    if not findings:
        typer.echo(f"audit log intact: {checked} events verified")
        return
    for finding in findings:
        typer.echo(f"audit log BROKEN at event {finding.seq}: {finding.reason}", err=True)
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(
    out: Path = typer.Option(..., "--out", help="Write the signed checkpoint (JSON) here."),
) -> None:
    """Sign the chain's current head and export it: keep the file outside the database
    (another machine, write-once storage) and pass it to ``audit verify --checkpoint``."""
    import json

    from painpath.services.audit import export_checkpoint

    with cli_errors():
        point = export_checkpoint(_container().context())
    if point is None:
        typer.echo("the audit log is empty; nothing to sign")
        return
    out.write_text(json.dumps(point.as_json(), indent=2) + "\n", encoding="utf-8")
    typer.echo(f"checkpoint of {point.seq} events written to {out}")

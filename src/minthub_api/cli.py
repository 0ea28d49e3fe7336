"""`minthub-api`: serve, demo, migrate, users, simulate-amazon, keys, audit, worker, sync."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from minthub_api.audit.commands import audit_app
from minthub_api.core.settings import ConfigurationError, Settings

app = typer.Typer(
    help="Mint Hub Operations: operations workspace for Amazon sellers.", no_args_is_help=True
)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
beta_app = typer.Typer(help="Beta access requests.", no_args_is_help=True)
keys_app = typer.Typer(help="Key-encryption keys for stored refresh tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")
stores_app = typer.Typer(help="Operate on connected stores.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(stores_app, name="stores")
app.add_typer(audit_app, name="audit")
app.add_typer(beta_app, name="beta")

DEMO_EMAIL = "demo@minthub.example"
DEMO_PASSWORD = "mint-walkthrough-2026"  # noqa: S105 - local demo user, printed on start
SIM_PORT = 8001

Host = Annotated[str, typer.Option(help="Interface to bind.")]
Port = Annotated[int, typer.Option(help="TCP port.")]


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _settings(**overrides: Any) -> Settings:
    return Settings(**overrides)


def _require_db(settings: Settings) -> str:
    if not settings.database_url:
        _fail("MINTHUB_DATABASE_URL is not set (or use `minthub-api demo` for an embedded one)")
    assert settings.database_url
    return settings.database_url


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run the API with the configured database and Amazon endpoints."""
    from minthub_api.main import create_app

    settings = _settings()
    _require_db(settings)
    try:
        api = create_app(settings, freeze_gc=True)
    except ConfigurationError as exc:
        _fail(str(exc))
    uvicorn.run(
        api,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        # SIGTERM: stop accepting, let requests in flight finish (then close the pools).
        timeout_graceful_shutdown=int(settings.serve_shutdown_timeout_seconds),
    )


@app.command()
def migrate() -> None:
    """Apply database migrations (alembic upgrade head)."""
    from minthub_api.core import migrations

    settings = _settings()
    url = settings.effective_migration_database_url
    if not url:
        _fail("Set MINTHUB_MIGRATION_DATABASE_URL or MINTHUB_DATABASE_URL")
    assert url
    migrations.upgrade(url)
    typer.echo("database is at the latest migration")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="The user's email (sign-in name).")],
    password: Annotated[
        str,
        typer.Option(
            help="At least 12 characters.", prompt=True, hide_input=True, confirmation_prompt=True
        ),
    ],
    admin: Annotated[bool, typer.Option(help="Workspace administrator.")] = False,
    beta: Annotated[
        bool, typer.Option(help="Beta access (may connect stores while the gate is on).")
    ] = True,
) -> None:
    """Create a user account."""
    from minthub_api.core.errors import AppError

    settings = _settings()
    url = _require_db(settings)
    try:
        user_id = asyncio.run(_create_user(url, email, password, admin, beta))
    except AppError as exc:
        _fail(f"{exc.code}: {exc.detail}")
    typer.echo(f"created user {user_id}")


async def _create_user(url: str, email: str, password: str, admin: bool, beta: bool) -> str:
    from minthub_api.auth import service as auth_service
    from minthub_api.core.db import create_engine, create_sessionmaker

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            user = await auth_service.create_user(
                session, email=email, password=password, is_admin=admin, beta_access=beta
            )
            return str(user.id)
    finally:
        await engine.dispose()


@app.command("simulate-amazon")
def simulate_amazon(host: Host = "127.0.0.1", port: Port = SIM_PORT) -> None:
    """Run the simulated Amazon (LWA, consent page, SP-API) alone."""
    from minthub_api.simulator import SimulatorConfig, create_simulator_app

    config = SimulatorConfig.from_env()
    if not os.environ.get("MINTHUB_SIM_BASE_URL"):
        config.base_url = f"http://{host}:{port}"
    uvicorn.run(
        create_simulator_app(config), host=host, port=port, log_config=None, access_log=False
    )


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new random key-encryption key for MINTHUB_TOKEN_KEK."""
    typer.echo(base64.b64encode(secrets.token_bytes(32)).decode())


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-wrap every stored data key (refresh tokens, TOTP secrets) under the current KEK."""
    settings = _settings()
    url = _require_db(settings)
    result = asyncio.run(_rotate(url, settings))
    typer.echo(
        f"re-wrapped {result.rewrapped} store data keys and {result.rewrapped_mfa_secrets}"
        f" two-factor secrets under {result.current_key_id}; {result.already_current} were"
        f" already current; key ids in use: {result.key_ids_in_use or '{}'}"
    )
    if not set(result.key_ids_in_use) - {result.current_key_id}:
        typer.echo("nothing uses a retired KEK: MINTHUB_TOKEN_KEK_PREVIOUS can be emptied")


@keys_app.command("status")
def keys_status() -> None:
    """Show the current KEK id and how many wrapped data keys each KEK id still holds."""
    settings = _settings()
    url = _require_db(settings)
    current, usage, checkpoints = asyncio.run(_key_status(url, settings))
    typer.echo(f"current key: {current}")
    typer.echo("wrapped data keys (refresh tokens, two-factor secrets) by KEK id:")
    for key_id, count in sorted(usage.items()):
        mark = "current" if key_id == current else "retired: run `minthub-api keys rotate`"
        typer.echo(f"  {key_id}: {count} ({mark})")
    typer.echo("audit checkpoints by signing KEK id (keep these KEKs to verify them):")
    for key_id, count in sorted(checkpoints.items()):
        typer.echo(f"  {key_id}: {count}")
    if not set(usage) - {current}:
        typer.echo("no data key uses a retired KEK")


async def _key_status(url: str, settings: Settings) -> tuple[str, dict[str, int], dict[str, int]]:
    from sqlalchemy import func, select

    from minthub_api.audit.models import AuditCheckpoint
    from minthub_api.core.db import create_engine, create_sessionmaker
    from minthub_api.core.rls import system_context
    from minthub_api.crypto.providers import build_key_provider
    from minthub_api.crypto.rotation import ROTATION, key_usage

    try:
        provider = build_key_provider(settings)
    except ValueError as exc:
        _fail(str(exc))
    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session, session.begin(), system_context(session, ROTATION):
            usage = await key_usage(session)
            signed = await session.execute(
                select(AuditCheckpoint.key_id, func.count()).group_by(AuditCheckpoint.key_id)
            )
            checkpoints = {key_id: int(n) for key_id, n in signed.all()}
    finally:
        await engine.dispose()
    return provider.current_key_id, usage, checkpoints


async def _rotate(url: str, settings: Settings) -> Any:
    from minthub_api.core.db import create_engine, create_sessionmaker
    from minthub_api.crypto.providers import build_key_provider
    from minthub_api.crypto.rotation import rotate

    try:
        provider = build_key_provider(settings)
    except ValueError as exc:
        _fail(str(exc))
    engine = create_engine(url)
    try:
        return await rotate(create_sessionmaker(engine), provider)
    finally:
        await engine.dispose()


@stores_app.command("revoke")
def stores_revoke(
    store_id: Annotated[str, typer.Argument(help="The store's id.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
) -> None:
    """Revoke a store's authorization now: every process stops calling Amazon for it."""
    import uuid

    from minthub_api.core.errors import AppError

    settings = _settings()
    url = _require_db(settings)
    try:
        parsed = uuid.UUID(store_id)
    except ValueError:
        _fail(f"{store_id!r} is not a store id")
    try:
        asyncio.run(_revoke(url, parsed, reason))
    except AppError as exc:
        _fail(f"{exc.code}: {exc.detail}")
    typer.echo(f"store {store_id} revoked")


async def _revoke(url: str, store_id: Any, reason: str) -> None:
    from minthub_api.core.db import create_engine, create_sessionmaker
    from minthub_api.stores import service as store_service

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await store_service.revoke_by_operator(session, store_id, reason=reason)
    finally:
        await engine.dispose()


def _demo_kek(data_dir: Path) -> str:
    """A KEK kept in the demo's data folder (0600), so stored tokens survive restarts."""
    path = data_dir / "token-kek"
    if not path.exists():
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


@app.command()
def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    sim_port: Annotated[int, typer.Option(help="Port of the simulated Amazon.")] = SIM_PORT,
) -> None:
    """API + simulated Amazon + embedded database + demo user, in one process tree."""
    from minthub_api.core import embedded_db, migrations
    from minthub_api.main import create_app
    from minthub_api.simulator import SimulatorConfig, create_simulator_app

    env = _settings()
    data_dir = env.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    sim_url = f"http://127.0.0.1:{sim_port}"
    sim_config = SimulatorConfig.from_env()
    sim_config.base_url = sim_url
    if not sim_config.state_file:
        # Restarting the demo must not make the simulated Amazon forget its refresh tokens.
        sim_config.state_file = str(data_dir / "simulator-grants.json")
    overrides: dict[str, Any] = {
        "public_url": env.public_url
        if "MINTHUB_PUBLIC_URL" in os.environ
        else f"http://127.0.0.1:{port}"
    }
    if not env.lwa_client_id:
        # Nothing configured: talk to the simulated Amazon with its credentials.
        overrides |= {
            "lwa_client_id": sim_config.client_id,
            "lwa_client_secret": sim_config.client_secret,
            "spapi_application_id": sim_config.application_id,
            "spapi_app_draft": sim_config.draft_app,
            "lwa_token_url": f"{sim_url}/auth/o2/token",
            "seller_central_url": f"{sim_url}",
            "spapi_endpoint": f"{sim_url}",
        }
    if not env.token_kek.get_secret_value():
        overrides["token_kek"] = _demo_kek(data_dir)
    # The demo signs in with a password only (documented in the README); set
    # MINTHUB_REQUIRE_MFA=true to try the TOTP enrolment flow.
    if "MINTHUB_REQUIRE_MFA" not in os.environ:
        overrides["require_mfa"] = False
    if env.mail_outbox_dir is None and not env.smtp_url.get_secret_value():
        overrides["mail_outbox_dir"] = data_dir / "outbox"
    server = None
    if not env.database_url:
        typer.echo(f"starting the embedded PostgreSQL in {data_dir / 'postgres'} ...")
        server, owner_url = embedded_db.start(data_dir)
        # Two roles, as in production: migrations as the owner, the API as minthub_app's member.
        migrations.upgrade(owner_url)
        overrides["migration_database_url"] = owner_url
        overrides["database_url"] = embedded_db.ensure_app_role(owner_url)
    settings = _settings(**overrides)
    assert settings.database_url
    if server is None:
        migrations.upgrade(settings.effective_migration_database_url or settings.database_url)
    asyncio.run(_ensure_demo_user(settings.database_url))
    try:
        api = create_app(settings, freeze_gc=True)
    except ConfigurationError as exc:
        _fail(str(exc))
    typer.secho(
        f"\nMint Hub Operations demo\n  Web app:          {settings.public_url}/\n"
        f"  API:              {settings.public_url}/api/v1"
        f"  (docs: {settings.public_url}/api/docs)\n  Simulated Amazon: {sim_url}\n"
        f"  Demo user:        {DEMO_EMAIL} / {DEMO_PASSWORD}\n  Ctrl-C stops everything.\n",
        fg=typer.colors.GREEN,
    )
    servers = [
        _SharedSignalServer(
            uvicorn.Config(api, host=host, port=port, log_config=None, access_log=False)
        ),
    ]
    if not env.lwa_client_id:
        servers.append(
            _SharedSignalServer(
                uvicorn.Config(
                    create_simulator_app(sim_config),
                    host="127.0.0.1",
                    port=sim_port,
                    log_config=None,
                    access_log=False,
                )
            )
        )
    from minthub_api.sync import commands

    def demo_worker() -> Coroutine[Any, Any, None]:
        # The demo's job worker runs in the same process tree (store syncs, scheduled syncs).
        return commands.worker(settings, concurrency=2, install_signal_handlers=False)

    try:
        asyncio.run(_serve_all(servers, background=[demo_worker]))
    finally:
        if server is not None:
            server.cleanup()  # stops the embedded PostgreSQL; the data folder stays


class _SharedSignalServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to `_serve_all`, which stops them all."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve_all(
    servers: Sequence[uvicorn.Server],
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
) -> None:
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(start()) for start in background]

    def stop() -> None:
        for s in servers:
            # A second Ctrl-C forces the exit without waiting for open connections.
            s.force_exit = s.should_exit
            s.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop)
    try:
        await asyncio.gather(*(s.serve() for s in servers))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _ensure_demo_user(url: str) -> None:
    from minthub_api.auth import service as auth_service
    from minthub_api.auth.repository import UserRepository
    from minthub_api.core.db import create_engine, create_sessionmaker

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            if await UserRepository(session).get_by_email(DEMO_EMAIL) is None:
                await auth_service.create_user(
                    session, email=DEMO_EMAIL, password=DEMO_PASSWORD, beta_access=True
                )
    finally:
        await engine.dispose()


@app.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="Jobs at once (default MINTHUB_WORKER_CONCURRENCY).")
    ] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve /metrics on this port (default MINTHUB_WORKER_METRICS_PORT)."),
    ] = None,
) -> None:
    """Run background jobs (store syncs, scheduled syncs) from the PostgreSQL job queue.

    Start as many as you like, on as many machines, against the same database."""
    from minthub_api.core.logging import configure_logging
    from minthub_api.sync import commands

    settings = _settings()
    _require_db(settings)
    # JSON in production (or MINTHUB_LOG_FORMAT=json), redaction, job and request ids.
    configure_logging(settings)
    asyncio.run(
        commands.worker(
            settings,
            concurrency=concurrency or settings.worker_concurrency,
            metrics_port=metrics_port or settings.worker_metrics_port,
        )
    )


@app.command()
def sync(
    store: Annotated[str | None, typer.Option(help="The store id to sync.")] = None,
    all_stores: Annotated[bool, typer.Option("--all", help="Every connected store.")] = False,
    full: Annotated[bool, typer.Option(help="Ignore high-water marks; re-pull all.")] = False,
) -> None:
    """Sync inventory, orders and listings now, in the foreground, with a progress bar."""
    import uuid

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from minthub_api.sync import commands

    if (store is None) == (not all_stores):
        _fail("Give exactly one of --store ID or --all")
    settings = _settings()
    _require_db(settings)
    try:
        wanted = uuid.UUID(store) if store else None
    except ValueError:
        _fail(f"not a store id: {store}")
    ids = asyncio.run(commands.store_ids(settings, wanted if store else None))
    if not ids:
        _fail("no such store" if store else "no connected stores")
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()) as bar:
        tasks: dict[tuple[str, str], Any] = {}

        def hook(store_id: uuid.UUID) -> Any:
            def report(dataset: str, pages: int, rows: int) -> None:
                key = (str(store_id), dataset)
                label = f"{str(store_id)[:8]} {dataset}: {rows} rows, {pages} pages"
                if key not in tasks:
                    tasks[key] = bar.add_task(label, total=None)
                bar.update(tasks[key], description=label)

            return report

        outcomes = asyncio.run(commands.sync_now(settings, ids, full=full, progress=hook))
    failed = False
    for outcome in outcomes:
        for d in outcome.datasets:
            typer.echo(
                f"{outcome.store_id} {d.dataset}: {d.state}, {d.rows} rows, {d.pages} pages,"
                f" {d.requests} requests"
                + (" (incremental)" if d.incremental else "")
                + (f" - {d.error}" if d.error else "")
            )
            failed = failed or d.state != "succeeded"
    if failed:
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except ConfigurationError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        sys.exit(2)


# --- users list | disable | reset-mfa, beta list | approve | reject (issue 3) ------------------


def _run_db(settings: Settings, work: Any) -> Any:
    """Run `work(session, settings)` in one transaction on MINTHUB_DATABASE_URL."""
    from minthub_api.core.db import create_engine, create_sessionmaker
    from minthub_api.core.errors import AppError

    url = _require_db(settings)

    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session, settings)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except AppError as exc:
        _fail(f"{exc.code}: {exc.detail}")


@users_app.command("list")
def users_list() -> None:
    """List accounts: id, email, active, admin, MFA, beta access."""
    from minthub_api.auth.repository import UserRepository

    async def work(session: Any, _: Settings) -> list[str]:
        return [
            f"{u.id}  {u.email}  active={u.is_active}  admin={u.is_admin}"
            f"  mfa={'on' if u.mfa_enabled_at else 'off'}"
            f"  beta={'yes' if u.beta_access_at else 'no'}"
            for u in await UserRepository(session).list()
        ]

    for line in _run_db(_settings(), work):
        typer.echo(line)


async def _user_by_email(session: Any, email: str) -> Any:
    from minthub_api.auth.repository import UserRepository
    from minthub_api.auth.security import normalize_email
    from minthub_api.core.errors import NotFound

    user = await UserRepository(session).get_by_email(normalize_email(email))
    if user is None:
        raise NotFound(f"No user with the email {email}")
    return user


@users_app.command("disable")
def users_disable(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Disable an account at once: sign-in refused, sessions revoked, API tokens stop working."""
    from minthub_api.audit import service as audit
    from minthub_api.audit.actions import AuditAction, AuditReason
    from minthub_api.auth import service as auth_service

    async def work(session: Any, _: Settings) -> int:
        user = await _user_by_email(session, email)
        user.is_active = False
        count: int = await auth_service.sign_out_everywhere(
            session, user_id=user.id, actor=audit.SYSTEM
        )
        audit.record(
            session,
            audit.SYSTEM,
            AuditAction.user_disabled,
            reason=AuditReason.operator_action,
            details={"user_id": str(user.id)},
        )
        return count

    count = _run_db(_settings(), work)
    typer.echo(f"disabled {email}; {count} session(s) revoked")


@users_app.command("reset-mfa")
def users_reset_mfa(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Remove a user's second factor (lost phone): they enrol again at next sign-in."""
    from minthub_api.audit import service as audit
    from minthub_api.auth import mfa
    from minthub_api.auth import service as auth_service

    async def work(session: Any, _: Settings) -> None:
        user = await _user_by_email(session, email)
        await mfa.reset(session, user, audit.SYSTEM)
        await auth_service.sign_out_everywhere(session, user_id=user.id, actor=audit.SYSTEM)

    _run_db(_settings(), work)
    typer.echo(f"two-factor authentication reset for {email}; sessions revoked")


@beta_app.command("list")
def beta_list(
    status: Annotated[str | None, typer.Option(help="pending | approved | rejected")] = None,
) -> None:
    """List beta requests, newest first."""
    from minthub_api.beta import service as beta_service
    from minthub_api.beta.models import BetaStatus

    wanted = BetaStatus(status) if status else None

    async def work(session: Any, _: Settings) -> list[str]:
        return [
            f"{r.id}  {r.status:<8}  {r.contact_email}  {r.company_name}"
            f"  {','.join(r.marketplaces)}  {r.monthly_order_volume}"
            for r in await beta_service.list_requests(session, wanted)
        ]

    for line in _run_db(_settings(), work):
        typer.echo(line)


@beta_app.command("approve")
def beta_approve(request_id: Annotated[str, typer.Argument(help="The request's id.")]) -> None:
    """Approve a request: its contact gets an invitation to create an account."""
    import uuid

    from minthub_api.audit import service as audit
    from minthub_api.beta import service as beta_service
    from minthub_api.mail.sender import OutboxMailSender, build_mail_sender

    async def work(session: Any, settings: Settings) -> Any:
        _, mail = await beta_service.approve(
            session, uuid.UUID(request_id), decided_by=None, settings=settings, actor=audit.SYSTEM
        )
        return mail

    settings = _settings()
    mail = _run_db(settings, work)
    sender = build_mail_sender(settings)
    asyncio.run(sender.send(mail))
    if isinstance(sender, OutboxMailSender) and sender.directory is None:
        # No mail transport configured: the operator forwards the invitation by hand.
        typer.echo(f"No MINTHUB_SMTP_URL: send this to {mail.to} yourself:\n\n{mail.body}")
    typer.echo(f"approved {request_id}; invitation sent to {mail.to}")


@beta_app.command("reject")
def beta_reject(request_id: Annotated[str, typer.Argument(help="The request's id.")]) -> None:
    """Reject a request."""
    import uuid

    from minthub_api.audit import service as audit
    from minthub_api.beta import service as beta_service

    async def work(session: Any, _: Settings) -> None:
        await beta_service.reject(
            session, uuid.UUID(request_id), decided_by=None, actor=audit.SYSTEM
        )

    _run_db(_settings(), work)
    typer.echo(f"rejected {request_id}")

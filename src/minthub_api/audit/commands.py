"""`minthub-api audit verify` and `minthub-api audit retention`."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

import typer

from minthub_api.core.settings import Settings

audit_app = typer.Typer(
    help="Check and maintain the audit trail (hash chain, retention).", no_args_is_help=True
)


def _fail(message: str, code: int = 2) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _keys(settings: Settings) -> dict[str, bytes]:
    from minthub_api.audit.integrity import signing_keys

    try:
        return signing_keys(settings)
    except ValueError as exc:
        _fail(f"{exc}: the checkpoint signing key is derived from it")
        raise  # unreachable


@audit_app.command("verify")
def verify(
    store: Annotated[
        str | None,
        typer.Option(help="Check only this store's chain ('global': the store-less events)."),
    ] = None,
) -> None:
    """Recompute every hash chain; print the first broken link of each and exit 1 if any."""
    settings = Settings()
    if not settings.database_url:
        _fail("MINTHUB_DATABASE_URL is not set")
    assert settings.database_url
    store_id: uuid.UUID | None = None
    if store is not None and store != "global":
        try:
            store_id = uuid.UUID(store)
        except ValueError:
            _fail(f"--store must be a store id or 'global', not {store!r}")
    keys = _keys(settings)
    broken = asyncio.run(_verify(settings.database_url, keys, store_id, store is not None))
    if broken:
        raise typer.Exit(1)


async def _verify(
    url: str, keys: dict[str, bytes], store_id: uuid.UUID | None, only_store: bool
) -> bool:
    from minthub_api.audit.integrity import verify as verify_chains
    from minthub_api.core.db import create_engine, create_sessionmaker

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            reports = await verify_chains(session, keys, store_id=store_id, only_store=only_store)
    finally:
        await engine.dispose()
    broken = False
    total = 0
    for report in reports:
        total += report.events
        if report.broken is not None:
            broken = True
            typer.secho(f"BROKEN {report.broken.describe()}", fg=typer.colors.RED)
    status = "BROKEN" if broken else "OK"
    typer.echo(f"{status}: {len(reports)} chain(s), {total} event(s) verified")
    return broken


@audit_app.command("retention")
def retention(
    dry_run: Annotated[bool, typer.Option(help="Only say what would be removed.")] = False,
) -> None:
    """Remove events older than MINTHUB_AUDIT_RETENTION_MONTHS, each chain up to a signed
    checkpoint. Runs as MINTHUB_MIGRATION_DATABASE_URL's role when set (it needs EXECUTE on
    audit_apply_retention), else MINTHUB_DATABASE_URL's."""
    settings = Settings()
    url = settings.effective_migration_database_url
    if not url:
        _fail("Set MINTHUB_MIGRATION_DATABASE_URL or MINTHUB_DATABASE_URL")
    assert url
    _keys(settings)
    asyncio.run(_retention(url, settings, dry_run))


async def _retention(url: str, settings: Settings, dry_run: bool) -> None:
    from minthub_api.audit.integrity import apply_retention, retention_cutoff
    from minthub_api.core.db import create_engine, create_sessionmaker

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            results = await apply_retention(session, settings, dry_run=dry_run)
    finally:
        await engine.dispose()
    cutoff = retention_cutoff(settings).isoformat()
    verb = "would remove" if dry_run else "removed"
    for r in results:
        chain = r.store_id or "global"
        typer.echo(f"{chain}: {verb} events up to seq {r.up_to_seq} ({r.removed} rows)")
    typer.echo(f"retention ({settings.audit_retention_months} months, before {cutoff}): done")

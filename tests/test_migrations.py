import asyncio

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from minthub_api.core import migrations
from minthub_api.models import Base
from tests.support.db import temporary_database


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    return set(names)


def test_upgrade_from_empty_downgrade_and_upgrade_again() -> None:
    with temporary_database("minthub_migr") as url:
        migrations.upgrade(url)
        assert set(Base.metadata.tables) <= asyncio.run(_tables(url))
        migrations.downgrade(url, "base")
        assert asyncio.run(_tables(url)) <= {"alembic_version"}
        migrations.upgrade(url)
        assert set(Base.metadata.tables) <= asyncio.run(_tables(url))


def test_models_match_migrations() -> None:
    """Autogenerate finds nothing to add: every model change has its revision."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    async def diff(url: str) -> list[object]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
                )
        finally:
            await engine.dispose()

    with temporary_database("minthub_migr") as url:
        migrations.upgrade(url)
        assert asyncio.run(diff(url)) == []

"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from bot.models import Base


def test_migrated_database_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": False, "include_object": _on(conn.dialect.name)})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


POSTGRESQL_ONLY = {index.name for table in Base.metadata.tables.values()
                   for index in table.indexes if index.info.get("postgresql_only")}


def _on(dialect: str):  # type: ignore[no-untyped-def]
    """Indexes marked ``postgresql_only`` (the trigram search on an expression) exist on
    PostgreSQL only, and Alembic cannot compare expressions: checked by name below."""
    def include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        return not (type_ == "index" and name in POSTGRESQL_ONLY)
    return include


def test_postgresql_only_indexes_exist_there(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        return
    engine = create_engine(database_url)
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")))
    engine.dispose()
    assert POSTGRESQL_ONLY and POSTGRESQL_ONLY <= names

"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot.models import Base


def test_migrated_database_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": False, "include_object": _on(conn.dialect.name)})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def _on(dialect: str):  # type: ignore[no-untyped-def]
    """Indexes marked ``postgresql_only`` (the trigram search) exist on PostgreSQL only."""
    def include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        return not (type_ == "index" and dialect != "postgresql"
                    and obj.info.get("postgresql_only"))
    return include

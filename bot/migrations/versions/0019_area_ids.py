"""area (kota and provinsi rows); officers, complaints and kelurahan point at them by id;
trigram indexes for the queue's word search on PostgreSQL

Kota names repeat across provinces, so scoping by name needed the provinsi beside it
everywhere. Now a kota and a provinsi are rows of ``area`` (with their Kemendagri code
when a kelurahan under them has one), and ``officer.area_id``,
``complaint.kota_area_id``/``provinsi_area_id`` and ``kelurahan.kota_area_id``/
``provinsi_area_id`` point at them. The text columns of officer and complaint go.

The data: the areas are made from the kelurahan's kota and provinsi (a kota together
with its provinsi); each complaint takes its kelurahan's areas (without one it stays in
the "needs an area" list); each kota officer the kota named together with
their provinsi, each provinsi officer the provinsi. An officer whose text matches no
area keeps an empty area (sees nothing, as before) and is listed in the migration's
log; complaints without a kelurahan stay in the "needs an area" list.

On PostgreSQL the word search gets a GIN trigram index (pg_trgm, created here when the
database user may); SQLite keeps scanning within the officer's scope. A provinsi
officer's overdue count and the queues' "not simulated" test get small partial indexes
(bench/complaints_queue.py).

Revision ID: 0019_area_ids
Revises: 0017_proposal_override
Create Date: 2026-12-08
"""
from __future__ import annotations

import logging
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0019_area_ids"
down_revision = "0018_ksm_join_approval"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
COVER = ["status", "due_at"]
# bot.models.complaint.SEARCH_DOCUMENT, as the queue's search writes it.
SEARCH_DOCUMENT = ("text || '\n' || coalesce(accused, '') || '\n' || coalesce(location_text, '')")

area = sa.table("area", sa.column("id", sa.Integer), sa.column("level", sa.String),
                sa.column("code", sa.String), sa.column("name", sa.String),
                sa.column("parent_id", sa.Integer), sa.column("created_at", UtcDateTime))


def _key(name: str | None) -> str:
    return (name or "").strip().lower()


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["area.id"], name=op.f("fk_area_parent_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("code", name=op.f("uq_area_code")),
        sa.UniqueConstraint("level", "parent_id", "name", name="uq_area_level_parent_name"),
    )
    op.create_index("ix_area_parent", "area", ["parent_id"])
    with op.batch_alter_table("kelurahan") as batch:
        batch.add_column(sa.Column("kota_area_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("provinsi_area_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_kelurahan_kota_area_id_area"), "area",
                                 ["kota_area_id"], ["id"])
        batch.create_foreign_key(batch.f("fk_kelurahan_provinsi_area_id_area"), "area",
                                 ["provinsi_area_id"], ["id"])
        batch.create_index(batch.f("ix_kelurahan_kota_area_id"), ["kota_area_id"])
        batch.create_index(batch.f("ix_kelurahan_provinsi_area_id"), ["provinsi_area_id"])
    with op.batch_alter_table("officer") as batch:
        batch.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_officer_area_id_area"), "area", ["area_id"], ["id"])
        batch.create_index(batch.f("ix_officer_area_id"), ["area_id"])
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("kota_area_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("provinsi_area_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_complaint_kota_area_id_area"), "area",
                                 ["kota_area_id"], ["id"])
        batch.create_foreign_key(batch.f("fk_complaint_provinsi_area_id_area"), "area",
                                 ["provinsi_area_id"], ["id"])

    _fill_areas()

    with op.batch_alter_table("complaint") as batch:
        batch.drop_index("ix_complaint_provinsi_scope")
        batch.drop_index("ix_complaint_kota_scope")
        batch.drop_column("provinsi")
        batch.drop_column("kota")
        batch.create_index("ix_complaint_kota_scope", ["kota_area_id", "level", "id"],
                           postgresql_include=COVER)
        batch.create_index("ix_complaint_provinsi_scope", ["provinsi_area_id", "level", "id"],
                           postgresql_include=COVER)
        batch.create_index("ix_complaint_provinsi_due", ["provinsi_area_id", "due_at"],
                           postgresql_include=["level", "status", "contact_id", "names_bkm_member"],
                           postgresql_where=sa.text("due_at IS NOT NULL"),
                           sqlite_where=sa.text("due_at IS NOT NULL"))
    with op.batch_alter_table("officer") as batch:
        batch.drop_column("provinsi")
        batch.drop_column("kota")
    op.create_index("ix_contact_simulated", "contact", ["id"],
                    postgresql_where=sa.text("simulated IS TRUE"), sqlite_where=sa.text("simulated IS 1"))
    _trigram_indexes()


def _fill_areas() -> None:
    conn = op.get_bind()
    kelurahan = conn.execute(sa.text("SELECT id, code, kota, provinsi FROM kelurahan")).all()
    provinsi_codes: dict[str, set[str]] = defaultdict(set)
    provinsi_names: dict[str, str] = {}
    kota_codes: dict[tuple[str, str], set[str]] = defaultdict(set)
    kota_names: dict[tuple[str, str], str] = {}
    for _, code, kota, provinsi in kelurahan:
        p, k = _key(provinsi), (_key(kota), _key(provinsi))
        provinsi_names.setdefault(p, provinsi.strip())
        kota_names.setdefault(k, kota.strip())
        if code:
            provinsi_codes[p].add(code[:2])
            kota_codes[k].add(code[:5])
    used: set[str] = set()

    def one_code(codes: set[str]) -> str | None:
        code = next(iter(codes)) if len(codes) == 1 else None
        if code is None or code in used:
            return None
        used.add(code)
        return code

    def add(level: str, name: str, code: str | None, parent_id: int | None) -> int:
        conn.execute(sa.insert(area).values(level=level, name=name, code=code,
                                            parent_id=parent_id, created_at=sa.func.now()))
        return conn.scalar(sa.select(area.c.id).where(
            area.c.level == level, area.c.name == name,
            area.c.parent_id.is_(None) if parent_id is None else area.c.parent_id == parent_id))

    provinsi_ids = {p: add("provinsi", name, one_code(provinsi_codes[p]), None)
                    for p, name in sorted(provinsi_names.items())}
    kota_ids = {k: add("kota", name, one_code(kota_codes[k]), provinsi_ids[k[1]])
                for k, name in sorted(kota_names.items())}
    for kel_id, _, kota, provinsi in kelurahan:
        conn.execute(sa.text("UPDATE kelurahan SET kota_area_id = :k, provinsi_area_id = :p "
                             "WHERE id = :id"),
                     {"k": kota_ids[(_key(kota), _key(provinsi))], "p": provinsi_ids[_key(provinsi)],
                      "id": kel_id})
    # Complaints: from their kelurahan. Those without one keep no area (as complaints.place
    # does): they are in the "needs an area" list.
    conn.execute(sa.text(
        "UPDATE complaint SET "
        "kota_area_id = (SELECT kota_area_id FROM kelurahan WHERE kelurahan.id = complaint.kelurahan_id), "
        "provinsi_area_id = (SELECT provinsi_area_id FROM kelurahan "
        "WHERE kelurahan.id = complaint.kelurahan_id) "
        "WHERE kelurahan_id IS NOT NULL"))
    # Officers: a kota together with its provinsi; a provinsi by its name.
    for officer_id, username, level, kota, provinsi in conn.execute(sa.text(
            "SELECT id, username, level, kota, provinsi FROM officer "
            "WHERE level IN ('kota', 'provinsi') ORDER BY id")).all():
        if level == "kota":
            found = kota_ids.get((_key(kota), _key(provinsi))) if kota and provinsi else None
        else:
            found = provinsi_ids.get(_key(provinsi)) if provinsi else None
        if found is None:
            log.warning("officer %s (%s %s, %s): no such area; their area stays empty until "
                        "create-user sets it", username, level, kota or "-", provinsi or "-")
            continue
        conn.execute(sa.text("UPDATE officer SET area_id = :a WHERE id = :id"),
                     {"a": found, "id": officer_id})


def _trigram_indexes() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    installed = "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    schema = conn.scalar(sa.text(installed))
    if schema is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except sa.exc.DBAPIError as error:
            log.warning("pg_trgm is not available (%s): the queue's word search scans "
                        "within the officer's scope", error.orig)
            return
        schema = conn.scalar(sa.text(installed))
    # Named with its schema: the operator class need not be on the search path.
    op.execute(f"CREATE INDEX ix_complaint_search_trgm ON complaint USING gin "
               f"(({SEARCH_DOCUMENT}) {schema}.gin_trgm_ops)")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_complaint_search_trgm")
    with op.batch_alter_table("officer") as batch:
        batch.add_column(sa.Column("kota", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("provinsi", sa.String(length=120), nullable=True))
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("kota", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("provinsi", sa.String(length=120), nullable=True))
    names = "(SELECT name FROM area WHERE area.id = {})"
    op.execute("UPDATE complaint SET kota = " + names.format("complaint.kota_area_id")
               + ", provinsi = " + names.format("complaint.provinsi_area_id"))
    op.execute("UPDATE officer SET kota = " + names.format("officer.area_id")
               + " WHERE level = 'kota'")
    op.execute("UPDATE officer SET provinsi = (SELECT p.name FROM area a JOIN area p ON p.id = a.parent_id "
               "WHERE a.id = officer.area_id) WHERE level = 'kota'")
    op.execute("UPDATE officer SET provinsi = " + names.format("officer.area_id")
               + " WHERE level = 'provinsi'")
    op.execute("UPDATE officer SET kota = (SELECT kota FROM kelurahan WHERE kelurahan.id = officer.kelurahan_id), "
               "provinsi = (SELECT provinsi FROM kelurahan WHERE kelurahan.id = officer.kelurahan_id) "
               "WHERE level = 'kelurahan'")
    op.drop_index("ix_contact_simulated", table_name="contact")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_index("ix_complaint_provinsi_due")
        batch.drop_index("ix_complaint_provinsi_scope")
        batch.drop_index("ix_complaint_kota_scope")
        batch.drop_constraint(batch.f("fk_complaint_provinsi_area_id_area"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_complaint_kota_area_id_area"), type_="foreignkey")
        batch.drop_column("provinsi_area_id")
        batch.drop_column("kota_area_id")
        batch.create_index("ix_complaint_kota_scope", ["kota", "level", "id"], postgresql_include=COVER)
        batch.create_index("ix_complaint_provinsi_scope", ["provinsi", "level", "id"],
                           postgresql_include=COVER)
    with op.batch_alter_table("officer") as batch:
        batch.drop_index(batch.f("ix_officer_area_id"))
        batch.drop_constraint(batch.f("fk_officer_area_id_area"), type_="foreignkey")
        batch.drop_column("area_id")
    with op.batch_alter_table("kelurahan") as batch:
        batch.drop_index(batch.f("ix_kelurahan_provinsi_area_id"))
        batch.drop_index(batch.f("ix_kelurahan_kota_area_id"))
        batch.drop_constraint(batch.f("fk_kelurahan_provinsi_area_id_area"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_kelurahan_kota_area_id_area"), type_="foreignkey")
        batch.drop_column("provinsi_area_id")
        batch.drop_column("kota_area_id")
    op.drop_index("ix_area_parent", table_name="area")
    op.drop_table("area")

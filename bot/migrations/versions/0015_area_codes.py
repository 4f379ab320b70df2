"""kelurahan.code (Kemendagri), kelurahan.kecamatan; names no longer unique

Kelurahan are identified by their official code: two kelurahan of the same name may lie
in two kota of the same name (in two provinces), so the unique (name, kota) goes. The
demo kelurahan gets its real code.

Revision ID: 0015_area_codes
Revises: 0014_gateway_devices
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_area_codes"
down_revision = "0014_gateway_devices"
branch_labels = None
depends_on = None

# Kel. Sukamaju, Kec. Cibeunying Kidul, Kota Bandung, Jawa Barat (bot.services.demo).
DEMO = ("32.73.14.1004", "Sukamaju", "Kota Bandung", "Jawa Barat")


def upgrade() -> None:
    with op.batch_alter_table("kelurahan") as batch:
        batch.add_column(sa.Column("code", sa.String(length=13), nullable=True))
        batch.add_column(sa.Column("kecamatan", sa.String(length=120), nullable=True))
        batch.drop_constraint("uq_kelurahan_name_kota", type_="unique")
        batch.create_unique_constraint(batch.f("uq_kelurahan_code"), ["code"])
    code, name, kota, provinsi = DEMO
    op.execute(
        sa.text("UPDATE kelurahan SET code = :code, kecamatan = 'Cibeunying Kidul' "
                "WHERE name = :name AND kota = :kota AND provinsi = :provinsi AND code IS NULL")
        .bindparams(code=code, name=name, kota=kota, provinsi=provinsi)
    )


def downgrade() -> None:
    with op.batch_alter_table("kelurahan") as batch:
        batch.drop_constraint(batch.f("uq_kelurahan_code"), type_="unique")
        batch.create_unique_constraint("uq_kelurahan_name_kota", ["name", "kota"])
        batch.drop_column("kecamatan")
        batch.drop_column("code")

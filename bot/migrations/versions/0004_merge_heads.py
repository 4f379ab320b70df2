"""Merge the domain branches (complaints; KSM, broadcast and meetings) into one head.

Revision ID: 0004_merge_heads
Revises: 0002_complaints, 0003_meetings
Create Date: 2026-11-27
"""
from __future__ import annotations

revision = "0004_merge_heads"
down_revision = ("0002_complaints", "0003_meetings")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

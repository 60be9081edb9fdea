"""workspace: groups, appointments, note search index

Revision ID: 5e551071a002
Revises: 5e551071a001
Create Date: 2026-11-21 23:30:00
"""

from collections.abc import Sequence

revision: str = "5e551071a002"
down_revision: str | None = "5e551071a001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # being built: replaced by the area's tables


def downgrade() -> None:
    pass

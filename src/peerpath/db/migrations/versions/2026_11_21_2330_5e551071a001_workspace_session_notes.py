"""workspace: session notes, addenda, comments, supervisor review, billing

Revision ID: 5e551071a001
Revises: 1cf53c29a60d
Create Date: 2026-11-21 23:30:00
"""

from collections.abc import Sequence

revision: str = "5e551071a001"
down_revision: str | None = "1cf53c29a60d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # being built: replaced by the area's tables


def downgrade() -> None:
    pass

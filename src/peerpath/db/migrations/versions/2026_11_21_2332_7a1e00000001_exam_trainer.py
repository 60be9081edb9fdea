"""exam trainer: questions, versions, attempts, cards, mock exams, reports

Revision ID: 7a1e00000001
Revises: 5e551071a002
Create Date: 2026-11-21 23:30:00
"""

from collections.abc import Sequence

revision: str = "7a1e00000001"
down_revision: str | None = "5e551071a002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # being built: replaced by the area's tables


def downgrade() -> None:
    pass

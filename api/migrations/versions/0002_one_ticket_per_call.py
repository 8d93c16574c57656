"""One work order per call (unique ``ticket.call_id``); ``job.resent_at`` for queue recovery.

With a task queue a job may run more than once (a worker dies after the commit, a message is
delivered twice); the unique index makes a second ticket for the same call impossible.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Fails (IntegrityError) if a call already has two tickets: merge them by hand first.
    op.drop_index(op.f("ix_ticket_call_id"), table_name="ticket")
    op.create_index(op.f("ix_ticket_call_id"), "ticket", ["call_id"], unique=True)
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("resent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("job") as batch:
        batch.drop_column("resent_at")
    op.drop_index(op.f("ix_ticket_call_id"), table_name="ticket")
    op.create_index(op.f("ix_ticket_call_id"), "ticket", ["call_id"], unique=False)

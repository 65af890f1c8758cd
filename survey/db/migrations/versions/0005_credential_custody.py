"""sealed live tokens, the base-slips switch and mark, reminder requests

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: SQLite allows it on a WITHOUT ROWID table, and tokens
    # issued before this revision simply have no sealed copy (the next export replaces them).
    op.add_column("token", sa.Column("sealed_token", sa.LargeBinary(), nullable=True))
    op.add_column(
        "training_class",
        sa.Column("base_slips", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "training_class",
        sa.Column("base_held_slips", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "reminder_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("outstanding", sa.Integer(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_reminder_request_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_request")),
    )
    op.create_index(
        op.f("ix_reminder_request_class_id"), "reminder_request", ["class_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reminder_request_class_id"), table_name="reminder_request")
    op.drop_table("reminder_request")
    with op.batch_alter_table("training_class") as batch:
        batch.drop_column("base_held_slips")
        batch.drop_column("base_slips")
    op.drop_column("token", "sealed_token")

"""anonymity tables, questionnaire versions, plans, rate limits

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_version",
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_questionnaire_version")),
    )
    op.create_table(
        "rate_counter",
        sa.Column("bucket", sa.String(length=30), nullable=False),
        sa.Column("client", sa.String(length=32), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "client", "window_start", name=op.f("pk_rate_counter")),
    )
    op.create_table(
        "class_instrument",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_class_instrument_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version"],
            ["questionnaire_version.version"],
            name=op.f("fk_class_instrument_version_questionnaire_version"),
        ),
        sa.PrimaryKeyConstraint("class_id", "version", name=op.f("pk_class_instrument")),
    )
    op.create_table(
        "comment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("redacted_text", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'published', 'hidden')", name=op.f("ck_comment_status")
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_comment_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_class_id"), ["class_id"], unique=False)

    op.create_table(
        "plan_course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("teacher", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_plan_course_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_course")),
        sa.UniqueConstraint("class_id", "code", name=op.f("uq_plan_course_class_id_code")),
    )
    op.create_table(
        "response",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=100), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_response_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_class_id"), ["class_id"], unique=False)

    op.create_table(
        "sealed_pool",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=100), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_sealed_pool_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_pool")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("sealed_pool", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sealed_pool_class_id"), ["class_id"], unique=False)

    op.create_table(
        "token",
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=True),
        sa.Column("spent", sa.Boolean(), nullable=False),
        sa.Column("draft", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "(spent AND trainee_id IS NULL AND draft IS NULL)"
            " OR (NOT spent AND trainee_id IS NOT NULL)",
            name=op.f("ck_token_live_or_spent"),
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_token_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainee.id"],
            name=op.f("fk_token_trainee_id_trainee"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_token")),
        sa.UniqueConstraint("trainee_id", name=op.f("uq_token_trainee_id")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_token_class_id"), ["class_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_token_class_id"))

    op.drop_table("token")
    with op.batch_alter_table("sealed_pool", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sealed_pool_class_id"))

    op.drop_table("sealed_pool")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_class_id"))

    op.drop_table("response")
    op.drop_table("plan_course")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_class_id"))

    op.drop_table("comment")
    op.drop_table("class_instrument")
    op.drop_table("rate_counter")
    op.drop_table("questionnaire_version")

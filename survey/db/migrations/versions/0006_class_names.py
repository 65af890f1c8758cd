"""classes named by project and base instead of "第N项目培训班"

Revision ID: 0006
Revises: 0005

Only classes that still carry the old default name are renamed; a name someone chose stays.
The new name comes from ``class_name``, the function the programme loader names new classes
with, so that renamed and newly loaded classes read alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from survey.programme.names import class_name

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CLASSES = sa.text(
    "SELECT training_class.id, training_class.name, project.seq, project.name, "
    "training_base.name FROM training_class "
    "JOIN project ON project.id = training_class.project_id "
    "JOIN training_base ON training_base.id = project.base_id"
)
_RENAME = sa.text("UPDATE training_class SET name = :name WHERE id = :id")


def _rename(*, to_new: bool) -> None:
    connection = op.get_bind()
    for class_id, name, seq, project, base in connection.execute(_CLASSES).all():
        old, new = f"第{seq}项目培训班", class_name(project, base)
        if name == (old if to_new else new):
            connection.execute(_RENAME, {"name": new if to_new else old, "id": class_id})


def upgrade() -> None:
    _rename(to_new=True)


def downgrade() -> None:
    _rename(to_new=False)

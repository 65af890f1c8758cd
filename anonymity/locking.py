"""The row locks that order submits, drafts and releases of a class on PostgreSQL.

On SQLite every write transaction takes the database's write lock at ``BEGIN IMMEDIATE``, so
writers are serialized and these ``FOR ...`` clauses are simply not rendered. On PostgreSQL
(READ COMMITTED) they are what makes "closed" final:

* submit and draft take ``FOR KEY SHARE`` on the class row: many can hold it at once;
* release takes ``FOR UPDATE`` on the class row, which waits for every submit in flight and
  blocks new ones until it commits, after which they see the class closed.

So no answer can enter a class's pool after its release, where it would later come out alone
and be matched to the one person who responded after the close.

Lock order, everywhere: class rows, then roster rows, then token rows (issue, submit, draft),
and release takes its class row before anything else, so no cycle can form. (Without the class
lock first, issuing would hold token rows and then wait on the class row for its foreign-key
check while a release holding the class row waited on those token rows to clear their drafts.)
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select

from anonymity.errors import UnknownClassError
from survey.programme.models import TrainingClass

# One statement for every shared class lock: submit, draft and issue all take them this way.
_CLASS_STATES = (
    select(TrainingClass.id, TrainingClass.state)
    .where(TrainingClass.id.in_(bindparam("class_ids", expanding=True)))
    .order_by(TrainingClass.id)
    .with_for_update(read=True, key_share=True)
)


def class_states(connection: Connection, class_ids: Iterable[int]) -> dict[int, str]:
    """The states of these classes, holding shared locks on their rows (taken in id order)
    until the transaction ends; ids of no class are left out."""
    wanted = sorted(set(class_ids))
    if not wanted:
        return {}
    return dict(connection.execute(_CLASS_STATES, {"class_ids": wanted}).all())


def class_state(connection: Connection, class_id: int) -> str:
    """The class's state, holding a shared lock on its row until the transaction ends."""
    state = class_states(connection, [class_id]).get(class_id)
    if state is None:
        raise UnknownClassError(f"no training class {class_id}")
    return state


def lock_class_for_release(connection: Connection, class_id: int) -> str:
    """The class's state, holding an exclusive lock on its row until the transaction ends."""
    state = connection.execute(
        select(TrainingClass.state).where(TrainingClass.id == class_id).with_for_update()
    ).scalar_one_or_none()
    if state is None:
        raise UnknownClassError(f"no training class {class_id}")
    return state


def lock_classes_shared(connection: Connection, class_ids: Iterable[int]) -> None:
    """Hold shared locks on these class rows (in id order) until the transaction ends."""
    class_states(connection, class_ids)

""" "不是我提交的": a trainee who finds their link already used says so, and is counted.

A link can be used by someone other than its trainee (a slip passed on, a base that held the
slips). The trainee who then meets "您已提交" can contest it. What is kept is one number per
class, with no token, digest, roster entry or time: which submission was contested, and by
whom, is never written, so the count cannot help anyone link an answer to a person. The
count never exceeds the class's respondents, and the web app keeps one browser from adding
to it twice (a cookie flag, which holds no identity either).
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from anonymity.keys import derive_keys
from anonymity.models import Token
from anonymity.retry import retryable
from anonymity.tokens import digest, is_token
from survey.db.engine import Database
from survey.programme.models import TrainingClass
from survey.roster.models import Trainee


def contest_submission(db: Database, secret: bytes, token: str) -> bool:
    """Count one contested submission for the class of ``token``, which must be spent.

    Returns whether it was counted: not for a token that is live or unknown, nor beyond the
    number of the class's respondents.
    """
    if not is_token(token):
        return False
    token_digest = digest(derive_keys(secret).token_digest, token)
    with retryable(), db.write_connection() as connection:
        class_id = connection.execute(
            select(Token.class_id).where(Token.digest == token_digest, Token.spent.is_(True))
        ).scalar_one_or_none()
        if class_id is None:
            return False
        respondents = (
            select(func.count())
            .select_from(Trainee)
            .where(Trainee.class_id == class_id, Trainee.responded.is_(True))
            .scalar_subquery()
        )
        counted = connection.execute(
            update(TrainingClass)
            .where(TrainingClass.id == class_id, TrainingClass.contested < respondents)
            .values(contested=TrainingClass.contested + 1)
        )
    return counted.rowcount == 1

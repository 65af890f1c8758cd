"""How identity and answers are kept apart: the one package to audit.

Threat model (``docs/design.md``, "Threat model"): a trainee's answers must stay unlinkable
to them against (1) base staff, who know which token is whose; (2) anyone who can read the
database and the logs, at any moment and continuously, but not the server secret; (3) a coercer
asking for proof of how someone answered. Out of scope: someone who changes the server code or
reads the running process's memory.

Protocol and where each promise is kept
---------------------------------------

Keys.
    One server secret; every use has its own HKDF-SHA256 subkey: :mod:`anonymity.keys`.

Issue.
    A token is 130 random bits (``secrets``) in Crockford base-32 plus a GF(32) check character
    that catches every single typo and every transposition without a database lookup
    (:func:`~anonymity.tokens.new_token`, :func:`~anonymity.tokens.parse_code`). Links are
    signed with itsdangerous, so forged or truncated ones fail before the database
    (:func:`~anonymity.tokens.unsign_link`). The database looks a token up by its HMAC
    (:func:`~anonymity.tokens.digest`, :class:`~anonymity.models.Token`). So that a reminder
    re-sends the same link, a live token is also kept sealed with AES-256-GCM under its own
    subkey, bound to its row's digest (:func:`~anonymity.sealing.seal_token`); issuing again
    returns it, and only a replacement deletes the old live token and its draft
    (:func:`~anonymity.issuing.issue_tokens`). Spending or closing the class deletes the
    sealed copy. Without the secret it is noise of one fixed length; with the secret, every
    live (never a spent) token can be opened, which adds nothing about submitted answers to
    what the secret already opens (the pool).

Open.
    :func:`~anonymity.issuing.open_token` only reads: link scanners cannot spend a token. The
    web app moves the token from the URL into an HttpOnly cookie signed under its own subkey
    (:func:`~anonymity.tokens.sign_cookie`).

Draft.
    Sealed under a key derived from the token, a random device secret and a server salt, so
    neither the database nor another holder of the link can read a half-finished sheet still
    linked to its person (:mod:`anonymity.drafts`, :func:`~anonymity.sealing.draft_key`). The
    device secret (:func:`~anonymity.drafts.new_device_secret`) lives only in the browser's
    HttpOnly cookie, set by the web app when a device first opens a link. A device that
    cannot open the draft is told so (:attr:`~anonymity.issuing.TokenState.draft_elsewhere`),
    cannot overwrite it (:func:`~anonymity.drafts.save_draft` returns ``OTHER_DEVICE``) and may
    only start afresh, which discards it (:func:`~anonymity.drafts.discard_draft`).

Submit.
    One transaction (:func:`~anonymity.submission.submit`): a conditional UPDATE spends the
    token (exactly one of two concurrent submits wins), unlinks it from the roster and drops
    its draft and sealed copy; the roster entry is marked responded with no time; each answer
    sheet enters the
    pool sealed with AES-256-GCM, bound to class and questionnaire version, padded to 16 KiB
    buckets so its size says nothing (:mod:`anonymity.sealing`), in canonical form so neither
    size nor key order carries a per-person fingerprint (:mod:`anonymity.answers`). A busy,
    locked or full database raises :class:`~anonymity.errors.RetryLaterError` with nothing
    written (:mod:`anonymity.retry`). The spent row stays, unlinked, so a second visit can say
    "已提交" (:class:`~anonymity.models.Token`). Row locks make "closed" final and keep issue,
    submit and release free of deadlocks on PostgreSQL (:mod:`anonymity.locking`).

Contest.
    A trainee whose link was already used can say "不是我提交的"
    (:func:`~anonymity.contest.contest_submission`): the class's count goes up by one, capped
    at its respondents, and nothing else is written: no token mark, no row, no time. The web
    app's cookie flag keeps one browser from counting twice without storing who it was.

Release.
    One transaction (:func:`~anonymity.release.release_class`): open the class's pool, split
    off free text, shuffle answer sets and texts independently with ``secrets.SystemRandom``,
    insert them under fresh ``uuid4`` ids with class, questionnaire version and release date
    only, delete the pool rows and unused drafts, close the class. On SQLite the tables are
    ``WITHOUT ROWID`` (:mod:`anonymity.models`), so storage order follows random keys; on
    PostgreSQL physical order follows the shuffle and ``xmin`` is one per class.

Small classes.
    A questionnaire that fewer than k trainees of the class answered (k is required by
    :func:`~anonymity.release.release_class`, the report's k) releases nothing: its sealed
    answer sets, free text included, are deleted without being opened, so no row can be tied
    to people everyone knows responded. The class then shows participation only. (The other
    rule the issue weighed, a class-less programme pool released once it held k answer sets,
    was not chosen: its rows would still be answers of known respondents, and the pool's
    growth over time would date them.)

Scrubbing.
    After the commit, :func:`survey.db.scrub.forget_deleted` makes the deleted pool rows and
    cleared drafts unreadable in the files: SQLite (``secure_delete``, checked at release)
    checkpoints its WAL with TRUNCATE; PostgreSQL rewrites the pool and token tables with
    VACUUM FULL.

Logs and receipts.
    Nothing in this package logs, and its own exceptions never carry a token, digest or answer
    (:mod:`anonymity.errors`); transient database errors are re-raised without the failed
    statement and its parameters (:mod:`anonymity.retry`). Any other database error is a bug
    and propagates as SQLAlchemy raised it, so the engine must be created with
    ``hide_parameters=True``. No function returns anything a trainee could show as proof of
    their answers: submit returns an outcome, nothing more.

Known limits, by design or outside this package.
    The anonymity set of a response is the respondents of its class: the database, base and
    province pages and the reminder list show who responded (the roster's flag, counts by
    province), never what they answered; hence the small-class rule above and the report's
    small-cell rule (:mod:`reporting.suppression`). Answer sets larger than the first padding
    bucket (about 5,000 Chinese characters of free text) fall into a larger bucket that a
    database reader can see. After a lost connection during COMMIT the outcome is unknown; a
    retry then answers "already submitted" if the first attempt did commit. If the scrub after
    a release cannot finish (a reader holds the SQLite checkpoint back, a PostgreSQL lock
    times out), the release stands and reports ``scrubbed=False``; the leftover rows are sealed,
    so without the server secret they are noise. PostgreSQL's own WAL and backups keep history
    until recycled.

Dependencies: only the database layer of ``survey`` (``Database``, the declarative base, the
class and roster models), never its web or CLI code.

Not this package's job: the small-cell rule on figures and reviewing comments before they are
shown (``reporting`` and the web app), and keeping tokens out of URLs and access logs (the web
app).

The ``tests/anonymity`` suite checks each promise, including a linkage attack that submits
hundreds of known answer sets in a known order and tries to link them back through every
table, column, key, row order and hidden column on SQLite and PostgreSQL.
"""

from __future__ import annotations

from anonymity.answers import Answers, AnswerValue
from anonymity.contest import contest_submission
from anonymity.drafts import (
    DraftResult,
    discard_draft,
    is_device_secret,
    load_draft,
    new_device_secret,
    save_draft,
)
from anonymity.errors import (
    AnonymityError,
    InvalidCodeError,
    InvalidCookieError,
    InvalidLinkError,
    InvalidTokenError,
    RetryLaterError,
    SealError,
    UnknownClassError,
    UnknownTraineeError,
)
from anonymity.issuing import TokenState, TokenStatus, issue_tokens, open_token
from anonymity.keys import Keys, derive_key, derive_keys
from anonymity.release import ReleaseResult, release_class
from anonymity.submission import SubmitResult, submit
from anonymity.tokens import (
    digest,
    format_code,
    is_token,
    new_token,
    parse_code,
    sign_cookie,
    sign_link,
    unsign_cookie,
    unsign_link,
)

__all__ = [
    "AnonymityError",
    "AnswerValue",
    "Answers",
    "DraftResult",
    "InvalidCodeError",
    "InvalidCookieError",
    "InvalidLinkError",
    "InvalidTokenError",
    "Keys",
    "ReleaseResult",
    "RetryLaterError",
    "SealError",
    "SubmitResult",
    "TokenState",
    "TokenStatus",
    "UnknownClassError",
    "UnknownTraineeError",
    "contest_submission",
    "derive_key",
    "derive_keys",
    "digest",
    "discard_draft",
    "format_code",
    "is_device_secret",
    "is_token",
    "issue_tokens",
    "load_draft",
    "new_device_secret",
    "new_token",
    "open_token",
    "parse_code",
    "release_class",
    "save_draft",
    "sign_cookie",
    "sign_link",
    "submit",
    "unsign_cookie",
    "unsign_link",
]

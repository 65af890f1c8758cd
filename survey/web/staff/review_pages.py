"""The free-text review pages (ministry only): publish or hide each comment, redact names and
phone numbers, and end the review of a class."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey.staff.access import Principal, require_ministry
from survey.staff.review import class_comments, decide, finish, review_state, review_states
from survey.timezone import format_local, now
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.pages import Form, PathId, current_programme, page, visible_class
from survey.web.state import state_db, state_settings


class ReviewController(Controller):
    """``/staff/review…``."""

    path = "/staff/review"
    include_in_schema = False
    dependencies = staff_dependencies()

    @get("", sync_to_thread=True)
    def classes(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """Closed classes with how many comments wait for review."""
        require_ministry(principal)
        with state_db(request.app.state).read() as session:
            states = review_states(session, current_programme(session).id)
        return page(
            principal,
            "staff/review_list.html",
            "文字意见审核",
            active="/staff/review",
            states=states,
            format_local=format_local,
        )

    @get("/{class_id:int}", sync_to_thread=True)
    def comments(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """Every comment of a class with its publish / hide / redact form."""
        require_ministry(principal)
        with state_db(request.app.state).read() as session:
            row = visible_class(session, principal, class_id)
            state = review_state(session, class_id)
            if state is None:
                raise NotFoundException
            views = class_comments(session, class_id)
        return page(
            principal,
            "staff/review_class.html",
            f"文字意见审核：{row.label}",
            active="/staff/review",
            row=row,
            state=state,
            comments=views,
            finished_at=format_local(state.finished_at) if state.finished_at else None,
            k=state_settings(request.app.state).report_k,
        )

    @post("/{class_id:int}/comments/{comment_id:uuid}", sync_to_thread=True, status_code=200)
    def decide_comment(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        comment_id: FromPath[uuid.UUID],
        data: Form,
    ) -> Redirect:
        """Publish or hide one comment, with the reviewer's redacted wording if changed."""
        require_ministry(principal)
        redacted = data.get("text")
        decide(
            state_db(request.app.state),
            principal,
            class_id,
            comment_id,
            str(data.get("status", "")),
            str(redacted) if redacted is not None else None,
            now(),
        )
        return Redirect(f"/staff/review/{class_id}#c-{comment_id}", status_code=303)

    @post("/{class_id:int}/finish", sync_to_thread=True, status_code=200)
    def finish_review(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Redirect:
        """End the review: redactions become final, originals are overwritten."""
        require_ministry(principal)
        finish(state_db(request.app.state), principal, class_id, now())
        return Redirect(f"/staff/review/{class_id}", status_code=303)

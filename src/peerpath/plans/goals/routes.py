"""Pages and JSON API for the plan overview, goals, objectives, action steps and decisions.

Pages live under /members/{member_id}/plan; the API under /api/v1/members/{member_id}/plan.
Both call the same service functions. Every form works as a plain POST + redirect; the step
"done" toggle also answers HTMX with just the redrawn step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from peerpath.core.deps import DbSession, Me, MemberViewer, RecordId
from peerpath.core.errors import Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID
from peerpath.db.models import ActionStep, DecisionWorksheet, Goal, GoalStatus, Objective
from peerpath.plans.common import Proposed
from peerpath.plans.goals import schemas as s
from peerpath.plans.goals import service
from peerpath.plans.vocabulary import (
    CHIME,
    DIMENSIONS,
    GOAL_STATUSES,
    STEP_OWNERS,
    STRENGTH_CATEGORIES,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["plan"])

FormStr = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]
NextUrl = Annotated[str, Form(alias="next")]
# The body is read as plain JSON and checked by the service after the access policy has
# answered, so someone who may not write learns nothing from a validation message.
JsonBody = Annotated[dict[str, Any], Body()]
MAX_FORM_ROWS = 20

STATUS_MESSAGES = {
    GoalStatus.ACTIVE: "You are working on this goal again.",
    GoalStatus.ACHIEVED: "You marked this goal as achieved.",
    GoalStatus.PAUSED: "This goal is paused. It will be here whenever you want to return to it.",
    GoalStatus.LET_GO: "You let this goal go. That is your choice to make, and it is kept here.",
}


def day(value: date | datetime | None) -> str:
    """A date people read: 4 March 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def _page_context(**extra: Any) -> dict[str, Any]:
    return {
        "day": day,
        "DIMENSIONS": DIMENSIONS,
        "CHIME": CHIME,
        "GOAL_STATUSES": GOAL_STATUSES,
        "STEP_OWNERS": STEP_OWNERS,
        "STRENGTH_CATEGORIES": STRENGTH_CATEGORIES,
        "supporter_label": service.supporter_label,
        **extra,
    }


def _plan_url(member_id: int) -> str:
    return f"/members/{member_id}/plan"


def _goal_url(member_id: int, goal_id: int) -> str:
    return f"/members/{member_id}/plan/goals/{goal_id}"


def _decision_url(member_id: int, decision_id: int) -> str:
    return f"/members/{member_id}/plan/decisions/{decision_id}"


def _version(value: str) -> int | None:
    value = value.strip()
    if not value.isdigit() or len(value) > 10 or int(value) > MAX_ID or int(value) < 1:
        return None
    return int(value)


def _ids(values: list[str] | None) -> list[object]:
    """Checkbox ids: numbers become numbers; anything else is left for validation to refuse."""
    out: list[object] = []
    for value in (values or [])[:100]:
        version = _version(value)
        out.append(version if version is not None else value)
    return out


def _safe_next(value: str, member_id: int, default: str) -> str:
    """Only go back to a page of this member's record on this site."""
    prefix = f"/members/{member_id}/"
    if value.startswith(prefix) and "//" not in value and "\\" not in value and len(value) < 300:
        return value
    return default


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request", "").lower() == "true"


def _after_write(
    request: Request,
    db: DbSession,
    member_id: int,
    result: object,
    url: str,
    message: str,
    proposal_url: str | None = None,
) -> Response:
    if isinstance(result, Proposed):
        name = service.member_name(db, member_id)
        return redirect(proposal_url or url, request, service.suggestion_message(name))
    return redirect(url, request, message)


# ---- the plan overview ---------------------------------------------------------------------


@pages.get("/my-plan")
def my_plan(viewer: MemberViewer) -> Response:
    return redirect(_plan_url(viewer.user.id))


@pages.get("/members/{member_id}/plan")
def plan_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    view = service.plan_overview(db, viewer, member_id)
    title = "My recovery plan" if view.is_member else f"{view.member.display_name}'s recovery plan"
    return render(request, "plans/goals/plan.html", _page_context(title=title, v=view))


# ---- goals ---------------------------------------------------------------------------------


def _goal_form_page(
    request: Request,
    ctx: service.FormContext,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    goal = ctx.goal
    if form is None:
        form = {
            "title": goal.title if goal else "",
            "why_it_matters": goal.why_it_matters if goal else "",
            "dimensions": list(goal.dimensions or []) if goal else [],
            "chime": list(goal.chime or []) if goal else [],
            "strength_ids": list(goal.strength_ids or []) if goal else [],
            "supporter_ids": list(goal.supporter_ids or []) if goal else [],
            "version": goal.version if goal else "",
        }
    if goal is None:
        title = "Add a goal" if ctx.is_member else f"Suggest a goal for {ctx.member.display_name}"
    else:
        title = "Edit this goal" if ctx.is_member else "Suggest changes to this goal"
    return render(
        request,
        "plans/goals/goal_form.html",
        _page_context(
            title=title,
            ctx=ctx,
            form=form,
            errors=errors or {},
            error=error,
            selected_strengths=[str(i) for i in form.get("strength_ids", [])],
            supporter_options=[(sp.id, service.supporter_label(sp)) for sp in ctx.supporters],
            selected_supporters=form.get("supporter_ids", []),
        ),
        status_code=status_code,
    )


@pages.get("/members/{member_id}/plan/goals/new")
def goal_new_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    return _goal_form_page(request, service.goal_form(db, viewer, member_id, None))


@pages.post("/members/{member_id}/plan/goals")
def goal_create(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    title: FormStr = "",
    why_it_matters: FormStr = "",
    dimensions: FormList = None,
    chime: FormList = None,
    strength_ids: FormList = None,
    supporter_ids: FormList = None,
) -> Response:
    data = {
        "title": title,
        "why_it_matters": why_it_matters,
        "dimensions": (dimensions or [])[:20],
        "chime": (chime or [])[:20],
        "strength_ids": _ids(strength_ids),
        "supporter_ids": _ids(supporter_ids),
    }
    try:
        result = service.create_goal(db, viewer, member_id, data)
    except Invalid as exc:
        ctx = service.goal_form(db, viewer, member_id, None)
        return _goal_form_page(
            request, ctx, form=data, errors=exc.errors, error=exc.message, status_code=422
        )
    if isinstance(result, Goal):
        return redirect(_goal_url(member_id, result.id), request, "Your goal is saved.")
    return _after_write(request, db, member_id, result, _plan_url(member_id), "")


def _goal_page(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: int,
    goal_id: int,
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    page = service.goal_page(db, viewer, member_id, goal_id)
    return render(
        request,
        "plans/goals/goal.html",
        _page_context(title=page.node.goal.title, g=page, errors=errors or {}, error=error),
        status_code=status_code,
    )


@pages.get("/members/{member_id}/plan/goals/{goal_id}")
def goal_view_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, goal_id: RecordId
) -> Response:
    return _goal_page(request, db, viewer, member_id, goal_id)


@pages.get("/members/{member_id}/plan/goals/{goal_id}/edit")
def goal_edit_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, goal_id: RecordId
) -> Response:
    return _goal_form_page(request, service.goal_form(db, viewer, member_id, goal_id))


@pages.post("/members/{member_id}/plan/goals/{goal_id}")
def goal_update(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    goal_id: RecordId,
    title: FormStr = "",
    why_it_matters: FormStr = "",
    dimensions: FormList = None,
    chime: FormList = None,
    strength_ids: FormList = None,
    supporter_ids: FormList = None,
    version: FormStr = "",
) -> Response:
    data = {
        "title": title,
        "why_it_matters": why_it_matters,
        "dimensions": (dimensions or [])[:20],
        "chime": (chime or [])[:20],
        "strength_ids": _ids(strength_ids),
        "supporter_ids": _ids(supporter_ids),
        "version": version.strip()[:12] or None,
    }
    goal_url = _goal_url(member_id, goal_id)
    try:
        result = service.update_goal(
            db, viewer, member_id, goal_id, data, back_url=goal_url + "/edit"
        )
    except Invalid as exc:
        ctx = service.goal_form(db, viewer, member_id, goal_id)
        return _goal_form_page(
            request, ctx, form=data, errors=exc.errors, error=exc.message, status_code=422
        )
    return _after_write(request, db, member_id, result, goal_url, "Your changes are saved.")


@pages.post("/members/{member_id}/plan/goals/{goal_id}/status")
def goal_status(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    goal_id: RecordId,
    status: FormStr = "",
    version: FormStr = "",
) -> Response:
    goal_url = _goal_url(member_id, goal_id)
    try:
        result = service.set_goal_status(
            db, viewer, member_id, goal_id, status[:24], _version(version), back_url=goal_url
        )
    except Invalid as exc:
        return _goal_page(
            request,
            db,
            viewer,
            member_id,
            goal_id,
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    message = STATUS_MESSAGES[result.status] if isinstance(result, Goal) else ""
    return _after_write(request, db, member_id, result, goal_url, message)


def _remove_page(
    request: Request,
    ctx: service.FormContext,
    *,
    what: str,
    text: str,
    action: str,
    back: str,
    version: int,
    consequence: str,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    title = f"Remove this {what}?" if ctx.is_member else f"Suggest removing this {what}?"
    return render(
        request,
        "plans/goals/confirm_remove.html",
        _page_context(
            title=title,
            ctx=ctx,
            what=what,
            text=text,
            action=action,
            back=back,
            version=version,
            consequence=consequence,
            errors=errors or {},
        ),
        status_code=status_code,
    )


def _goal_remove_page(
    request: Request, ctx: service.FormContext, member_id: int, **extra: Any
) -> Response:
    goal = ctx.goal
    assert goal is not None
    url = _goal_url(member_id, goal.id)
    return _remove_page(
        request,
        ctx,
        what="goal",
        text=goal.title,
        action=url + "/remove",
        back=url,
        version=goal.version,
        consequence="Its objectives and action steps are removed with it. If you would rather "
        "keep it on record, you can pause it or let it go instead.",
        **extra,
    )


@pages.get("/members/{member_id}/plan/goals/{goal_id}/remove")
def goal_remove_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, goal_id: RecordId
) -> Response:
    ctx = service.goal_form(db, viewer, member_id, goal_id)
    return _goal_remove_page(request, ctx, member_id)


@pages.post("/members/{member_id}/plan/goals/{goal_id}/remove")
def goal_remove(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    goal_id: RecordId,
    version: FormStr = "",
) -> Response:
    url = _goal_url(member_id, goal_id)
    try:
        result = service.remove_goal(
            db, viewer, member_id, goal_id, _version(version), back_url=url
        )
    except Invalid as exc:
        ctx = service.goal_form(db, viewer, member_id, goal_id)
        return _goal_remove_page(request, ctx, member_id, errors=exc.errors, status_code=422)
    return _after_write(
        request, db, member_id, result, _plan_url(member_id), "The goal is removed.", url
    )


# ---- objectives ----------------------------------------------------------------------------


def _objective_form_page(
    request: Request,
    ctx: service.FormContext,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    objective = ctx.objective
    if form is None:
        form = {
            "text": objective.text if objective else "",
            "measure": objective.measure if objective else "",
            "target_date": objective.target_date.isoformat()
            if objective and objective.target_date
            else "",
            "done": objective.done if objective else False,
            "version": objective.version if objective else "",
        }
    if objective is None:
        title = "Add an objective" if ctx.is_member else "Suggest an objective"
    else:
        title = "Edit this objective" if ctx.is_member else "Suggest changes to this objective"
    return render(
        request,
        "plans/goals/objective_form.html",
        _page_context(title=title, ctx=ctx, form=form, errors=errors or {}, error=error),
        status_code=status_code,
    )


@pages.get("/members/{member_id}/plan/goals/{goal_id}/objectives/new")
def objective_new_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, goal_id: RecordId
) -> Response:
    ctx = service.objective_form(db, viewer, member_id, goal_id=goal_id)
    return _objective_form_page(request, ctx)


@pages.post("/members/{member_id}/plan/goals/{goal_id}/objectives")
def objective_create(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    goal_id: RecordId,
    text: FormStr = "",
    measure: FormStr = "",
    target_date: FormStr = "",
) -> Response:
    data = {"text": text, "measure": measure, "target_date": target_date[:40]}
    try:
        result = service.create_objective(db, viewer, member_id, goal_id, data)
    except Invalid as exc:
        ctx = service.objective_form(db, viewer, member_id, goal_id=goal_id)
        return _objective_form_page(
            request, ctx, form=data, errors=exc.errors, error=exc.message, status_code=422
        )
    return _after_write(
        request, db, member_id, result, _goal_url(member_id, goal_id), "The objective is saved."
    )


@pages.get("/members/{member_id}/plan/objectives/{objective_id}/edit")
def objective_edit_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, objective_id: RecordId
) -> Response:
    ctx = service.objective_form(db, viewer, member_id, objective_id=objective_id)
    return _objective_form_page(request, ctx)


@pages.post("/members/{member_id}/plan/objectives/{objective_id}")
def objective_update(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    objective_id: RecordId,
    text: FormStr = "",
    measure: FormStr = "",
    target_date: FormStr = "",
    done: FormStr = "",
    version: FormStr = "",
) -> Response:
    data = {
        "text": text,
        "measure": measure,
        "target_date": target_date[:40],
        "done": bool(done),
        "version": version.strip()[:12] or None,
    }
    back_url = f"/members/{member_id}/plan/objectives/{objective_id}/edit"
    try:
        result = service.update_objective(
            db, viewer, member_id, objective_id, data, back_url=back_url
        )
    except Invalid as exc:
        ctx = service.objective_form(db, viewer, member_id, objective_id=objective_id)
        return _objective_form_page(
            request, ctx, form=data, errors=exc.errors, error=exc.message, status_code=422
        )
    goal_id = service.goal_id_for(db, objective_id=objective_id)
    return _after_write(
        request, db, member_id, result, _goal_url(member_id, goal_id), "Your changes are saved."
    )


@pages.post("/members/{member_id}/plan/objectives/{objective_id}/done")
def objective_done(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    objective_id: RecordId,
    done: FormStr = "",
    next_url: NextUrl = "",
) -> Response:
    target = _safe_next(next_url, member_id, _plan_url(member_id))
    result = service.set_objective_done(db, viewer, member_id, objective_id, done[:8])
    message = ""
    if isinstance(result, Objective):
        message = "Marked as done." if result.done else "Marked as not done yet."
    return _after_write(request, db, member_id, result, target, message)


def _objective_remove_page(
    request: Request, ctx: service.FormContext, member_id: int, **extra: Any
) -> Response:
    objective, goal = ctx.objective, ctx.goal
    assert objective is not None and goal is not None
    return _remove_page(
        request,
        ctx,
        what="objective",
        text=objective.text,
        action=f"/members/{member_id}/plan/objectives/{objective.id}/remove",
        back=_goal_url(member_id, goal.id),
        version=objective.version,
        consequence="Its action steps are removed with it. The goal stays.",
        **extra,
    )


@pages.get("/members/{member_id}/plan/objectives/{objective_id}/remove")
def objective_remove_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, objective_id: RecordId
) -> Response:
    ctx = service.objective_form(db, viewer, member_id, objective_id=objective_id)
    return _objective_remove_page(request, ctx, member_id)


@pages.post("/members/{member_id}/plan/objectives/{objective_id}/remove")
def objective_remove(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    objective_id: RecordId,
    version: FormStr = "",
) -> Response:
    ctx = service.objective_form(db, viewer, member_id, objective_id=objective_id)
    assert ctx.goal is not None
    back = _goal_url(member_id, ctx.goal.id)
    try:
        result = service.remove_objective(
            db, viewer, member_id, objective_id, _version(version), back_url=back
        )
    except Invalid as exc:
        return _objective_remove_page(request, ctx, member_id, errors=exc.errors, status_code=422)
    return _after_write(request, db, member_id, result, back, "The objective is removed.")


# ---- action steps --------------------------------------------------------------------------


def _step_form_page(
    request: Request,
    ctx: service.FormContext,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    step = ctx.step
    if form is None:
        form = {
            "text": step.text if step else "",
            "who": step.who.value if step else "me",
            "who_detail": step.who_detail if step else "",
            "when": step.when if step else "",
            "done": step.done if step else False,
            "version": step.version if step else "",
        }
    if step is None:
        title = "Add an action step" if ctx.is_member else "Suggest an action step"
    else:
        title = "Edit this action step" if ctx.is_member else "Suggest changes to this step"
    return render(
        request,
        "plans/goals/step_form.html",
        _page_context(
            title=title,
            ctx=ctx,
            form=form,
            errors=errors or {},
            error=error,
            owner_options=[(k.value, v) for k, v in STEP_OWNERS.items()],
        ),
        status_code=status_code,
    )


@pages.get("/members/{member_id}/plan/objectives/{objective_id}/steps/new")
def step_new_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, objective_id: RecordId
) -> Response:
    ctx = service.step_form(db, viewer, member_id, objective_id=objective_id)
    return _step_form_page(request, ctx)


@pages.post("/members/{member_id}/plan/objectives/{objective_id}/steps")
def step_create(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    objective_id: RecordId,
    text: FormStr = "",
    who: FormStr = "me",
    who_detail: FormStr = "",
    when: FormStr = "",
) -> Response:
    data = {"text": text, "who": who[:24], "who_detail": who_detail, "when": when}
    try:
        result = service.create_step(db, viewer, member_id, objective_id, data)
    except Invalid as exc:
        ctx = service.step_form(db, viewer, member_id, objective_id=objective_id)
        return _step_form_page(
            request, ctx, form=data, errors=exc.errors, error=exc.message, status_code=422
        )
    goal_id = service.goal_id_for(db, objective_id=objective_id)
    return _after_write(
        request, db, member_id, result, _goal_url(member_id, goal_id), "The action step is saved."
    )


@pages.get("/members/{member_id}/plan/steps/{step_id}/edit")
def step_edit_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, step_id: RecordId
) -> Response:
    return _step_form_page(request, service.step_form(db, viewer, member_id, step_id=step_id))


@pages.post("/members/{member_id}/plan/steps/{step_id}")
def step_update(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    step_id: RecordId,
    text: FormStr = "",
    who: FormStr = "me",
    who_detail: FormStr = "",
    when: FormStr = "",
    done: FormStr = "",
    version: FormStr = "",
) -> Response:
    data = {
        "text": text,
        "who": who[:24],
        "who_detail": who_detail,
        "when": when,
        "done": bool(done),
        "version": version.strip()[:12] or None,
    }
    back_url = f"/members/{member_id}/plan/steps/{step_id}/edit"
    try:
        result = service.update_step(db, viewer, member_id, step_id, data, back_url=back_url)
    except Invalid as exc:
        ctx = service.step_form(db, viewer, member_id, step_id=step_id)
        return _step_form_page(
            request, ctx, form=data, errors=exc.errors, error=exc.message, status_code=422
        )
    goal_id = service.goal_id_for(db, step_id=step_id)
    return _after_write(
        request, db, member_id, result, _goal_url(member_id, goal_id), "Your changes are saved."
    )


@pages.post("/members/{member_id}/plan/steps/{step_id}/done")
def step_done(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    step_id: RecordId,
    done: FormStr = "",
    next_url: NextUrl = "",
) -> Response:
    target = _safe_next(next_url, member_id, _plan_url(member_id))
    result = service.set_step_done(db, viewer, member_id, step_id, done[:8])
    if isinstance(result, ActionStep) and _is_htmx(request):
        member, step, names, can_write = service.step_item(db, viewer, member_id, step_id)
        return render(
            request,
            "plans/goals/step_fragment.html",
            _page_context(
                step=step,
                names=names,
                base=f"/members/{member.id}",
                can_write=can_write,
                is_member=viewer.user.id == member.id,
                member_name=member.display_name,
                next_url=target,
            ),
        )
    message = ""
    if isinstance(result, ActionStep):
        message = "Step marked as done." if result.done else "Step marked as not done yet."
    return _after_write(request, db, member_id, result, target, message)


def _step_remove_page(
    request: Request, ctx: service.FormContext, member_id: int, **extra: Any
) -> Response:
    step, goal = ctx.step, ctx.goal
    assert step is not None and goal is not None
    return _remove_page(
        request,
        ctx,
        what="action step",
        text=step.text,
        action=f"/members/{member_id}/plan/steps/{step.id}/remove",
        back=_goal_url(member_id, goal.id),
        version=step.version,
        consequence="The objective and goal stay as they are.",
        **extra,
    )


@pages.get("/members/{member_id}/plan/steps/{step_id}/remove")
def step_remove_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, step_id: RecordId
) -> Response:
    ctx = service.step_form(db, viewer, member_id, step_id=step_id)
    return _step_remove_page(request, ctx, member_id)


@pages.post("/members/{member_id}/plan/steps/{step_id}/remove")
def step_remove(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    step_id: RecordId,
    version: FormStr = "",
) -> Response:
    ctx = service.step_form(db, viewer, member_id, step_id=step_id)
    assert ctx.goal is not None
    back = _goal_url(member_id, ctx.goal.id)
    try:
        result = service.remove_step(
            db, viewer, member_id, step_id, _version(version), back_url=back
        )
    except Invalid as exc:
        return _step_remove_page(request, ctx, member_id, errors=exc.errors, status_code=422)
    return _after_write(request, db, member_id, result, back, "The action step is removed.")


# ---- decision worksheets -------------------------------------------------------------------


def _option_rows(
    option: list[str] | None, pros: list[str] | None, cons: list[str] | None
) -> list[dict[str, str]]:
    option, pros, cons = option or [], pros or [], cons or []
    count = min(max(len(option), len(pros), len(cons)), MAX_FORM_ROWS)
    return [
        {
            "option": option[i] if i < len(option) else "",
            "pros": pros[i] if i < len(pros) else "",
            "cons": cons[i] if i < len(cons) else "",
        }
        for i in range(count)
    ]


def _filled(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if any(v.strip() for v in r.values())]


def _decision_form_page(
    request: Request,
    ctx: service.FormContext,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    extra_row: bool = False,
    status_code: int = 200,
) -> Response:
    decision = ctx.decision
    if form is None:
        form = {
            "decision": decision.decision if decision else "",
            "options": [
                {k: str(o.get(k, "")) for k in ("option", "pros", "cons")}
                for o in (decision.options if decision else [])
                if isinstance(o, dict)
            ],
            "what_matters": decision.what_matters if decision else "",
            "who_involved": decision.who_involved if decision else "",
            "my_choice": decision.my_choice if decision else "",
            "version": decision.version if decision else "",
        }
    rows = list(form["options"])
    wanted = max(3, len(rows) + (1 if extra_row else 0))
    rows += [{"option": "", "pros": "", "cons": ""}] * (wanted - len(rows))
    if decision is None:
        title = "Weigh up a decision" if ctx.is_member else "Suggest a decision worksheet"
    else:
        title = "Edit this decision worksheet" if ctx.is_member else "Suggest changes"
    return render(
        request,
        "plans/goals/decision_form.html",
        _page_context(title=title, ctx=ctx, form=form, rows=rows, errors=errors or {}, error=error),
        status_code=status_code,
    )


@pages.get("/members/{member_id}/plan/decisions/new")
def decision_new_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    return _decision_form_page(request, service.decision_form(db, viewer, member_id, None))


@pages.post("/members/{member_id}/plan/decisions")
def decision_create(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    decision: FormStr = "",
    option: FormList = None,
    pros: FormList = None,
    cons: FormList = None,
    what_matters: FormStr = "",
    who_involved: FormStr = "",
    my_choice: FormStr = "",
    add_option: FormStr = "",
) -> Response:
    rows = _option_rows(option, pros, cons)
    form = {
        "decision": decision,
        "options": rows,
        "what_matters": what_matters,
        "who_involved": who_involved,
        "my_choice": my_choice,
        "version": "",
    }
    if add_option:
        ctx = service.decision_form(db, viewer, member_id, None)
        return _decision_form_page(request, ctx, form=form, extra_row=True)
    data = {**form, "options": _filled(rows)}
    data.pop("version")
    try:
        result = service.create_decision(db, viewer, member_id, data)
    except Invalid as exc:
        ctx = service.decision_form(db, viewer, member_id, None)
        form["options"] = _filled(rows)
        return _decision_form_page(
            request, ctx, form=form, errors=exc.errors, error=exc.message, status_code=422
        )
    if isinstance(result, DecisionWorksheet):
        return redirect(
            _decision_url(member_id, result.id), request, "Your decision worksheet is saved."
        )
    return _after_write(request, db, member_id, result, _plan_url(member_id), "")


@pages.get("/members/{member_id}/plan/decisions/{decision_id}")
def decision_view_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, decision_id: RecordId
) -> Response:
    page = service.decision_page(db, viewer, member_id, decision_id)
    return render(
        request,
        "plans/goals/decision.html",
        _page_context(title=page.decision.decision, d=page),
    )


@pages.get("/members/{member_id}/plan/decisions/{decision_id}/edit")
def decision_edit_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, decision_id: RecordId
) -> Response:
    return _decision_form_page(request, service.decision_form(db, viewer, member_id, decision_id))


@pages.post("/members/{member_id}/plan/decisions/{decision_id}")
def decision_update(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    decision_id: RecordId,
    decision: FormStr = "",
    option: FormList = None,
    pros: FormList = None,
    cons: FormList = None,
    what_matters: FormStr = "",
    who_involved: FormStr = "",
    my_choice: FormStr = "",
    version: FormStr = "",
    add_option: FormStr = "",
) -> Response:
    rows = _option_rows(option, pros, cons)
    form = {
        "decision": decision,
        "options": rows,
        "what_matters": what_matters,
        "who_involved": who_involved,
        "my_choice": my_choice,
        "version": version.strip()[:12],
    }
    if add_option:
        ctx = service.decision_form(db, viewer, member_id, decision_id)
        return _decision_form_page(request, ctx, form=form, extra_row=True)
    data = {**form, "options": _filled(rows), "version": form["version"] or None}
    url = _decision_url(member_id, decision_id)
    try:
        result = service.update_decision(
            db, viewer, member_id, decision_id, data, back_url=url + "/edit"
        )
    except Invalid as exc:
        ctx = service.decision_form(db, viewer, member_id, decision_id)
        form["options"] = _filled(rows)
        return _decision_form_page(
            request, ctx, form=form, errors=exc.errors, error=exc.message, status_code=422
        )
    return _after_write(request, db, member_id, result, url, "Your changes are saved.")


def _decision_remove_page(
    request: Request, ctx: service.FormContext, member_id: int, **extra: Any
) -> Response:
    decision = ctx.decision
    assert decision is not None
    url = _decision_url(member_id, decision.id)
    return _remove_page(
        request,
        ctx,
        what="decision worksheet",
        text=decision.decision,
        action=url + "/remove",
        back=url,
        version=decision.version,
        consequence="The rest of the plan stays as it is.",
        **extra,
    )


@pages.get("/members/{member_id}/plan/decisions/{decision_id}/remove")
def decision_remove_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, decision_id: RecordId
) -> Response:
    ctx = service.decision_form(db, viewer, member_id, decision_id)
    return _decision_remove_page(request, ctx, member_id)


@pages.post("/members/{member_id}/plan/decisions/{decision_id}/remove")
def decision_remove(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    decision_id: RecordId,
    version: FormStr = "",
) -> Response:
    url = _decision_url(member_id, decision_id)
    try:
        result = service.remove_decision(
            db, viewer, member_id, decision_id, _version(version), back_url=url
        )
    except Invalid as exc:
        ctx = service.decision_form(db, viewer, member_id, decision_id)
        return _decision_remove_page(request, ctx, member_id, errors=exc.errors, status_code=422)
    return _after_write(
        request,
        db,
        member_id,
        result,
        _plan_url(member_id),
        "The decision worksheet is removed.",
        url,
    )


# ---- JSON API ------------------------------------------------------------------------------

WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": s.ProposedRead, "description": "Sent to the member as a suggestion"},
    409: {"description": "Someone saved a newer version; `current` and `yours` are both shown"},
    422: {"description": "Some of the input needs another look; `errors` says what"},
}


def _json(model: Any, status_code: int) -> JSONResponse:
    return JSONResponse(jsonable_encoder(model), status_code=status_code)


def _api_answer(
    db: DbSession,
    member_id: int,
    result: object,
    status_code: int,
    describe: Callable[[Any], Any],
) -> Response:
    if isinstance(result, Proposed):
        return _json(service.proposed_read(db, result, service.member_name(db, member_id)), 202)
    if status_code == 204:
        return Response(status_code=204)
    return _json(describe(result), status_code)


def _goal_json(db: DbSession) -> Callable[[Goal], s.GoalRead]:
    return lambda goal: service.goal_out(db, goal)


@api.get("/members/{member_id}/plan", response_model=s.PlanRead)
def api_plan(db: DbSession, viewer: Me, member_id: RecordId) -> s.PlanRead:
    return service.plan_read(service.plan_overview(db, viewer, member_id))


@api.get("/members/{member_id}/proposals", response_model=list[s.ProposalRead])
def api_proposals(db: DbSession, viewer: Me, member_id: RecordId) -> list[s.ProposalRead]:
    return service.pending(db, viewer, member_id)


@api.post(
    "/members/{member_id}/plan/goals",
    status_code=201,
    response_model=s.GoalRead,
    responses=WRITE_RESPONSES,
)
def api_create_goal(db: DbSession, viewer: Me, member_id: RecordId, body: JsonBody) -> Response:
    result = service.create_goal(db, viewer, member_id, body)
    return _api_answer(db, member_id, result, 201, _goal_json(db))


@api.patch(
    "/members/{member_id}/plan/goals/{goal_id}",
    response_model=s.GoalRead,
    responses=WRITE_RESPONSES,
)
def api_update_goal(
    db: DbSession, viewer: Me, member_id: RecordId, goal_id: RecordId, body: JsonBody
) -> Response:
    result = service.update_goal(db, viewer, member_id, goal_id, body)
    return _api_answer(db, member_id, result, 200, _goal_json(db))


@api.delete("/members/{member_id}/plan/goals/{goal_id}", status_code=204, responses=WRITE_RESPONSES)
def api_remove_goal(
    db: DbSession, viewer: Me, member_id: RecordId, goal_id: RecordId, version: str = ""
) -> Response:
    result = service.remove_goal(db, viewer, member_id, goal_id, _version(version))
    return _api_answer(db, member_id, result, 204, lambda _: None)


@api.post(
    "/members/{member_id}/plan/goals/{goal_id}/objectives",
    status_code=201,
    response_model=s.ObjectiveRead,
    responses=WRITE_RESPONSES,
)
def api_create_objective(
    db: DbSession, viewer: Me, member_id: RecordId, goal_id: RecordId, body: JsonBody
) -> Response:
    result = service.create_objective(db, viewer, member_id, goal_id, body)
    return _api_answer(db, member_id, result, 201, lambda o: service.objective_out(db, o))


@api.patch(
    "/members/{member_id}/plan/objectives/{objective_id}",
    response_model=s.ObjectiveRead,
    responses=WRITE_RESPONSES,
)
def api_update_objective(
    db: DbSession, viewer: Me, member_id: RecordId, objective_id: RecordId, body: JsonBody
) -> Response:
    result = service.update_objective(db, viewer, member_id, objective_id, body)
    return _api_answer(db, member_id, result, 200, lambda o: service.objective_out(db, o))


@api.delete(
    "/members/{member_id}/plan/objectives/{objective_id}",
    status_code=204,
    responses=WRITE_RESPONSES,
)
def api_remove_objective(
    db: DbSession, viewer: Me, member_id: RecordId, objective_id: RecordId, version: str = ""
) -> Response:
    result = service.remove_objective(db, viewer, member_id, objective_id, _version(version))
    return _api_answer(db, member_id, result, 204, lambda _: None)


@api.post(
    "/members/{member_id}/plan/objectives/{objective_id}/steps",
    status_code=201,
    response_model=s.StepRead,
    responses=WRITE_RESPONSES,
)
def api_create_step(
    db: DbSession, viewer: Me, member_id: RecordId, objective_id: RecordId, body: JsonBody
) -> Response:
    result = service.create_step(db, viewer, member_id, objective_id, body)
    return _api_answer(db, member_id, result, 201, lambda st: service.step_out(db, st))


@api.patch(
    "/members/{member_id}/plan/steps/{step_id}",
    response_model=s.StepRead,
    responses=WRITE_RESPONSES,
)
def api_update_step(
    db: DbSession, viewer: Me, member_id: RecordId, step_id: RecordId, body: JsonBody
) -> Response:
    result = service.update_step(db, viewer, member_id, step_id, body)
    return _api_answer(db, member_id, result, 200, lambda st: service.step_out(db, st))


@api.delete("/members/{member_id}/plan/steps/{step_id}", status_code=204, responses=WRITE_RESPONSES)
def api_remove_step(
    db: DbSession, viewer: Me, member_id: RecordId, step_id: RecordId, version: str = ""
) -> Response:
    result = service.remove_step(db, viewer, member_id, step_id, _version(version))
    return _api_answer(db, member_id, result, 204, lambda _: None)


@api.get("/members/{member_id}/plan/decisions", response_model=list[s.DecisionRead])
def api_decisions(db: DbSession, viewer: Me, member_id: RecordId) -> list[s.DecisionRead]:
    return service.decisions_list(db, viewer, member_id)


@api.post(
    "/members/{member_id}/plan/decisions",
    status_code=201,
    response_model=s.DecisionRead,
    responses=WRITE_RESPONSES,
)
def api_create_decision(db: DbSession, viewer: Me, member_id: RecordId, body: JsonBody) -> Response:
    result = service.create_decision(db, viewer, member_id, body)
    return _api_answer(db, member_id, result, 201, lambda d: service.decision_out(db, d))


@api.get("/members/{member_id}/plan/decisions/{decision_id}", response_model=s.DecisionRead)
def api_decision(
    db: DbSession, viewer: Me, member_id: RecordId, decision_id: RecordId
) -> s.DecisionRead:
    page = service.decision_page(db, viewer, member_id, decision_id)
    return service.decision_read(page.decision, page.names)


@api.patch(
    "/members/{member_id}/plan/decisions/{decision_id}",
    response_model=s.DecisionRead,
    responses=WRITE_RESPONSES,
)
def api_update_decision(
    db: DbSession, viewer: Me, member_id: RecordId, decision_id: RecordId, body: JsonBody
) -> Response:
    result = service.update_decision(db, viewer, member_id, decision_id, body)
    return _api_answer(db, member_id, result, 200, lambda d: service.decision_out(db, d))


@api.delete(
    "/members/{member_id}/plan/decisions/{decision_id}",
    status_code=204,
    responses=WRITE_RESPONSES,
)
def api_remove_decision(
    db: DbSession, viewer: Me, member_id: RecordId, decision_id: RecordId, version: str = ""
) -> Response:
    result = service.remove_decision(db, viewer, member_id, decision_id, _version(version))
    return _api_answer(db, member_id, result, 204, lambda _: None)

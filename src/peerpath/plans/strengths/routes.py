"""Pages and JSON API for the plan's strengths area, and for answering staff suggestions
(proposals) of any kind: POST .../proposals/{proposal_id}/accept and .../decline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Form, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from peerpath.core.deps import DbSession, Me, RecordId
from peerpath.core.errors import Invalid
from peerpath.core.templating import flash, redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID
from peerpath.db.models import Strength
from peerpath.plans.common import Proposed, author_names
from peerpath.plans.profile.web import form_version, parse_form, plan_write_gate, safe_next
from peerpath.plans.strengths import service
from peerpath.plans.strengths.schemas import (
    DecisionIn,
    ProposalRead,
    RemoveIn,
    StrengthChange,
    StrengthIn,
    StrengthRead,
    StrengthsRead,
)
from peerpath.plans.vocabulary import STRENGTH_CATEGORIES

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["plan"])

FormStr = Annotated[str, Form()]
WriteGate = [Depends(plan_write_gate)]
LABELS = {"category": "Category", "text": "Strength", "note": "Note"}
CATEGORY_OPTIONS = [(key.value, label) for key, label in STRENGTH_CATEGORIES.items()]
INVALID = "Nothing was saved yet: please look at the parts marked below."


def _list_url(member_id: int) -> str:
    return f"/members/{member_id}/strengths"


def _strengths_page(
    request: Request,
    view: service.StrengthsView,
    status_code: int = 200,
    **extra: object,
) -> Response:
    title = "My strengths" if view.is_member else f"{view.member.display_name}'s strengths"
    context: dict[str, object] = {
        "title": title,
        "v": view,
        "category_options": CATEGORY_OPTIONS,
        "form": {},
        "errors": {},
        "error": "",
        **extra,
    }
    return render(request, "plans/strengths/strengths.html", context, status_code=status_code)


def _proposed(db: DbSession, result: Proposed) -> str:
    name = service.member_name(db, result.proposal)
    return (
        f"Your suggestion is waiting for {name}'s answer. "
        "Their plan changes only if they accept it."
    )


@pages.get("/members/{member_id}/strengths")
def strengths_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    return _strengths_page(request, service.strengths_view(db, viewer, member_id))


@pages.post("/members/{member_id}/strengths", dependencies=WriteGate)
def add_strength_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    category: FormStr = "",
    text: FormStr = "",
    note: FormStr = "",
) -> Response:
    form = {"category": category, "text": text, "note": note}
    try:
        data = parse_form(StrengthIn, form, LABELS)
        result = service.add_strength(db, viewer, member_id, data)
    except Invalid as exc:
        view = service.strengths_view(db, viewer, member_id)
        return _strengths_page(request, view, 422, form=form, errors=exc.errors, error=INVALID)
    if isinstance(result, Proposed):
        return redirect(_list_url(member_id), request, _proposed(db, result))
    return redirect(_list_url(member_id), request, f'Added to your strengths: "{result.text}".')


def _edit_page(
    request: Request, page: service.StrengthPage, status_code: int = 200, **extra: object
) -> Response:
    context: dict[str, object] = {
        "title": "Change a strength" if page.is_member else "Suggest a change to a strength",
        "p": page,
        "category_options": CATEGORY_OPTIONS,
        "form": {"category": page.item.category.value, "text": page.item.text, "note": ""},
        "errors": {},
        "error": "",
        **extra,
    }
    return render(request, "plans/strengths/edit.html", context, status_code=status_code)


@pages.get("/members/{member_id}/strengths/{strength_id}")
def edit_strength_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, strength_id: RecordId
) -> Response:
    return _edit_page(request, service.get_strength(db, viewer, member_id, strength_id))


@pages.post("/members/{member_id}/strengths/{strength_id}", dependencies=WriteGate)
def edit_strength_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    strength_id: RecordId,
    category: FormStr = "",
    text: FormStr = "",
    note: FormStr = "",
    version: FormStr = "",
) -> Response:
    form = {"category": category, "text": text, "note": note}
    try:
        data = parse_form(StrengthChange, {**form, "version": form_version(version)}, LABELS)
        result = service.change_strength(db, viewer, member_id, strength_id, data)
    except Invalid as exc:
        page = service.get_strength(db, viewer, member_id, strength_id)
        return _edit_page(request, page, 422, form=form, errors=exc.errors, error=INVALID)
    if isinstance(result, Proposed):
        return redirect(_list_url(member_id), request, _proposed(db, result))
    message = (
        "Saved."
        if result.version != data.version
        else "Nothing had changed, so nothing new was saved."
    )
    return redirect(_list_url(member_id), request, message)


@pages.get("/members/{member_id}/strengths/{strength_id}/remove")
def remove_strength_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, strength_id: RecordId
) -> Response:
    page = service.get_strength(db, viewer, member_id, strength_id)
    return _remove_page(request, page)


def _remove_page(
    request: Request, page: service.StrengthPage, status_code: int = 200, **extra: object
) -> Response:
    context: dict[str, object] = {
        "title": "Remove this strength?" if page.is_member else "Suggest removing this strength?",
        "p": page,
        "errors": {},
        "error": "",
        "note": "",
        **extra,
    }
    return render(request, "plans/strengths/remove.html", context, status_code=status_code)


@pages.post("/members/{member_id}/strengths/{strength_id}/remove", dependencies=WriteGate)
def remove_strength_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    strength_id: RecordId,
    version: FormStr = "",
    note: FormStr = "",
) -> Response:
    try:
        data = parse_form(RemoveIn, {"version": form_version(version), "note": note}, LABELS)
    except Invalid as exc:
        page = service.get_strength(db, viewer, member_id, strength_id)
        return _remove_page(request, page, 422, errors=exc.errors, error=INVALID, note=note)
    result = service.remove_strength(db, viewer, member_id, strength_id, data.version, data.note)
    if isinstance(result, Proposed):
        return redirect(_list_url(member_id), request, _proposed(db, result))
    return redirect(_list_url(member_id), request, f'Removed "{result.text}" from your strengths.')


def _decide_page(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: int,
    proposal_id: int,
    *,
    accept: bool,
    next_url: str,
    comment: str,
) -> Response:
    target = safe_next(next_url, _list_url(member_id))
    try:
        proposal = service.decide(
            db, viewer, member_id, proposal_id, accept=accept, comment=comment.strip()[:500]
        )
    except service.AlreadyAnswered as exc:
        response = redirect(target)
        flash(response, request, exc.message, "note")
        return response
    who = service.proposer_name(db, proposal)
    message = (
        f"Accepted: {who}'s suggestion is now part of your plan."
        if accept
        else f"Declined: your plan stays as it was. {who} will see that you declined."
    )
    return redirect(target, request, message)


@pages.post("/members/{member_id}/proposals/{proposal_id}/accept")
def accept_proposal_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    proposal_id: RecordId,
    next_url: Annotated[str, Form(alias="next")] = "",
    comment: FormStr = "",
) -> Response:
    return _decide_page(
        request, db, viewer, member_id, proposal_id, accept=True, next_url=next_url, comment=comment
    )


@pages.post("/members/{member_id}/proposals/{proposal_id}/decline")
def decline_proposal_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    proposal_id: RecordId,
    next_url: Annotated[str, Form(alias="next")] = "",
    comment: FormStr = "",
) -> Response:
    return _decide_page(
        request,
        db,
        viewer,
        member_id,
        proposal_id,
        accept=False,
        next_url=next_url,
        comment=comment,
    )


# ---- JSON API ---------------------------------------------------------------------------

WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"model": ProposalRead, "description": "Saved as a suggestion for the member."}
}


def _written(db: DbSession, result: Strength | Proposed, status_code: int) -> Response:
    if isinstance(result, Proposed):
        names = author_names(db, [result.proposal.proposed_by_id])
        body: object = service.proposal_read(result.proposal, names)
        status_code = 202
    else:
        body = service.strength_read(
            result, author_names(db, [result.created_by_id, result.updated_by_id])
        )
    return JSONResponse(jsonable_encoder(body), status_code=status_code)


@api.get("/members/{member_id}/strengths", response_model=StrengthsRead)
def api_strengths(db: DbSession, viewer: Me, member_id: RecordId) -> StrengthsRead:
    view = service.strengths_view(db, viewer, member_id)
    names = dict(view.names)
    names.update(author_names(db, [pv.proposal.proposed_by_id for pv in view.pending]))
    return StrengthsRead(
        strengths=[service.strength_read(s, names) for g in view.groups for s in g.items],
        pending_proposals=[service.proposal_read(pv.proposal, names) for pv in view.pending],
    )


@api.post(
    "/members/{member_id}/strengths",
    status_code=201,
    response_model=StrengthRead,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_add_strength(db: DbSession, viewer: Me, member_id: RecordId, body: StrengthIn) -> Response:
    return _written(db, service.add_strength(db, viewer, member_id, body), 201)


@api.patch(
    "/members/{member_id}/strengths/{strength_id}",
    response_model=StrengthRead,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_change_strength(
    db: DbSession, viewer: Me, member_id: RecordId, strength_id: RecordId, body: StrengthChange
) -> Response:
    return _written(db, service.change_strength(db, viewer, member_id, strength_id, body), 200)


@api.delete(
    "/members/{member_id}/strengths/{strength_id}",
    status_code=204,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_remove_strength(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    strength_id: RecordId,
    version: Annotated[int, Query(ge=1, le=MAX_ID, description="The version you read.")],
    note: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    result = service.remove_strength(db, viewer, member_id, strength_id, version, note.strip())
    if isinstance(result, Proposed):
        return _written(db, result, 202)
    return Response(status_code=204)


def _api_decide(
    db: DbSession,
    viewer: Me,
    member_id: int,
    proposal_id: int,
    body: DecisionIn | None,
    *,
    accept: bool,
) -> ProposalRead:
    comment = body.comment if body is not None else ""
    proposal = service.decide(db, viewer, member_id, proposal_id, accept=accept, comment=comment)
    return service.proposal_read(proposal, author_names(db, [proposal.proposed_by_id]))


@api.post("/members/{member_id}/proposals/{proposal_id}/accept", response_model=ProposalRead)
def api_accept_proposal(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    proposal_id: RecordId,
    body: Annotated[DecisionIn | None, Body()] = None,
) -> ProposalRead:
    return _api_decide(db, viewer, member_id, proposal_id, body, accept=True)


@api.post("/members/{member_id}/proposals/{proposal_id}/decline", response_model=ProposalRead)
def api_decline_proposal(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    proposal_id: RecordId,
    body: Annotated[DecisionIn | None, Body()] = None,
) -> ProposalRead:
    return _api_decide(db, viewer, member_id, proposal_id, body, accept=False)

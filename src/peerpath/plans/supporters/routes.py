"""Pages and JSON API for the plan's supporters area: people in the member's circle and the
community places that help."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from peerpath.core.deps import DbSession, Me, RecordId
from peerpath.core.errors import Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID
from peerpath.db.models import CommunityPlace, SupporterEntry
from peerpath.plans.common import Proposed, author_names
from peerpath.plans.profile.web import form_version, parse_form, plan_write_gate
from peerpath.plans.strengths import service as proposals
from peerpath.plans.strengths.schemas import ProposalRead, RemoveIn
from peerpath.plans.supporters import service
from peerpath.plans.supporters.schemas import (
    PersonChange,
    PersonIn,
    PersonRead,
    PlaceChange,
    PlaceIn,
    PlaceRead,
    SupportersRead,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["plan"])

FormStr = Annotated[str, Form()]
WriteGate = [Depends(plan_write_gate)]
INVALID = "Nothing was saved yet: please look at the parts marked below."
PERSON_LABELS = {**service.PERSON_LABELS, "note": "Note"}
PLACE_LABELS = {**service.PLACE_LABELS, "note": "Note"}
# The place form shares a page with the person form, so its fields need their own names.
PLACE_FORM_NAMES = {"name": "place_name", "why_it_helps": "why_it_helps", "note": "place_note"}


def _list_url(member_id: int) -> str:
    return f"/members/{member_id}/supporters"


def _place_errors(errors: Mapping[str, str]) -> dict[str, str]:
    return {PLACE_FORM_NAMES.get(key, key): value for key, value in errors.items()}


def _proposed(db: DbSession, result: Proposed) -> str:
    name = proposals.member_name(db, result.proposal)
    return (
        f"Your suggestion is waiting for {name}'s answer. "
        "Their plan changes only if they accept it."
    )


def _page(
    request: Request, view: service.SupportersView, status_code: int = 200, **extra: object
) -> Response:
    title = (
        "My supporters map" if view.is_member else f"{view.member.display_name}'s supporters map"
    )
    context: dict[str, object] = {
        "title": title,
        "v": view,
        "person_form": {},
        "person_errors": {},
        "person_error": "",
        "place_form": {},
        "place_errors": {},
        "place_error": "",
        **extra,
    }
    return render(request, "plans/supporters/supporters.html", context, status_code=status_code)


@pages.get("/members/{member_id}/supporters")
def supporters_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    return _page(request, service.supporters_view(db, viewer, member_id))


def _saved(db: DbSession, request: Request, member_id: int, result: object, done: str) -> Response:
    if isinstance(result, Proposed):
        return redirect(_list_url(member_id), request, _proposed(db, result))
    return redirect(_list_url(member_id), request, done)


@pages.post("/members/{member_id}/supporters/people", dependencies=WriteGate)
def add_person_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    name: FormStr = "",
    relationship_label: FormStr = "",
    contact: FormStr = "",
    crisis_role: FormStr = "",
    note: FormStr = "",
) -> Response:
    form = {
        "name": name,
        "relationship_label": relationship_label,
        "contact": contact,
        "crisis_role": crisis_role,
        "note": note,
    }
    try:
        data = parse_form(PersonIn, form, PERSON_LABELS)
        result = service.add_item(db, viewer, member_id, service.PEOPLE, data)
    except Invalid as exc:
        view = service.supporters_view(db, viewer, member_id)
        return _page(
            request,
            view,
            422,
            person_form=form,
            person_errors=exc.errors,
            person_error=INVALID,
        )
    return _saved(db, request, member_id, result, f"Added {data.name} to your supporters map.")


@pages.post("/members/{member_id}/supporters/places", dependencies=WriteGate)
def add_place_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    place_name: FormStr = "",
    why_it_helps: FormStr = "",
    place_note: FormStr = "",
) -> Response:
    values = {"name": place_name, "why_it_helps": why_it_helps, "note": place_note}
    try:
        data = parse_form(PlaceIn, values, PLACE_LABELS)
        result = service.add_item(db, viewer, member_id, service.PLACES, data)
    except Invalid as exc:
        view = service.supporters_view(db, viewer, member_id)
        return _page(
            request,
            view,
            422,
            place_form=values,
            place_errors=_place_errors(exc.errors),
            place_error=INVALID,
        )
    return _saved(db, request, member_id, result, f"Added {data.name} to your supporters map.")


def _edit_page(
    request: Request,
    page: service.ItemPage,
    spec: service.Spec,
    status_code: int = 200,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    error: str = "",
) -> Response:
    is_person = spec is service.PEOPLE
    noun = "person" if is_person else "place"
    title = (
        f"Change a {noun} in my supporters map"
        if page.is_member
        else f"Suggest a change to a {noun} in the supporters map"
    )
    values = form if form is not None else {key: getattr(page.item, key) for key in spec.fields}
    return render(
        request,
        "plans/supporters/edit.html",
        {
            "title": title,
            "p": page,
            "is_person": is_person,
            "form": values,
            "errors": dict(errors or {}),
            "error": error,
        },
        status_code=status_code,
    )


def _remove_page(
    request: Request,
    page: service.ItemPage,
    spec: service.Spec,
    status_code: int = 200,
    errors: Mapping[str, str] | None = None,
    error: str = "",
    note: str = "",
) -> Response:
    is_person = spec is service.PEOPLE
    name = page.item.name
    title = (
        (f"Remove {name} from my supporters map?" if is_person else f'Remove "{name}"?')
        if page.is_member
        else (f"Suggest removing {name}?" if is_person else f'Suggest removing "{name}"?')
    )
    return render(
        request,
        "plans/supporters/remove.html",
        {
            "title": title,
            "p": page,
            "is_person": is_person,
            "errors": dict(errors or {}),
            "error": error,
            "note": note,
        },
        status_code=status_code,
    )


def _item_path(spec: service.Spec) -> str:
    return "people" if spec is service.PEOPLE else "places"


def _edit_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: int,
    spec: service.Spec,
    item_id: int,
    form: dict[str, str],
    version: str,
) -> Response:
    schema: type[BaseModel] = PersonChange if spec is service.PEOPLE else PlaceChange
    labels = PERSON_LABELS if spec is service.PEOPLE else PLACE_LABELS
    try:
        data = parse_form(schema, {**form, "version": form_version(version)}, labels)
        assert isinstance(data, PersonChange | PlaceChange)
        result = service.change_item(db, viewer, member_id, spec, item_id, data)
    except Invalid as exc:
        page = service.get_item(db, viewer, member_id, spec, item_id)
        errors = exc.errors if spec is service.PEOPLE else _place_errors(exc.errors)
        return _edit_page(request, page, spec, 422, form=form, errors=errors, error=INVALID)
    if isinstance(result, Proposed):
        return redirect(_list_url(member_id), request, _proposed(db, result))
    message = (
        "Saved." if result.version != data.version else "Nothing had changed, so nothing was saved."
    )
    return redirect(_list_url(member_id), request, message)


def _remove_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: int,
    spec: service.Spec,
    item_id: int,
    version: str,
    note: str,
) -> Response:
    try:
        data = parse_form(RemoveIn, {"version": form_version(version), "note": note}, {})
    except Invalid as exc:
        page = service.get_item(db, viewer, member_id, spec, item_id)
        return _remove_page(request, page, spec, 422, errors=exc.errors, error=INVALID, note=note)
    result = service.remove_item(db, viewer, member_id, spec, item_id, data.version, data.note)
    if isinstance(result, Proposed):
        return redirect(_list_url(member_id), request, _proposed(db, result))
    return redirect(
        _list_url(member_id), request, f"Removed {result.name} from your supporters map."
    )


@pages.get("/members/{member_id}/supporters/people/{person_id}")
def edit_person_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, person_id: RecordId
) -> Response:
    page = service.get_item(db, viewer, member_id, service.PEOPLE, person_id)
    return _edit_page(request, page, service.PEOPLE)


@pages.post("/members/{member_id}/supporters/people/{person_id}", dependencies=WriteGate)
def edit_person_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    person_id: RecordId,
    name: FormStr = "",
    relationship_label: FormStr = "",
    contact: FormStr = "",
    crisis_role: FormStr = "",
    note: FormStr = "",
    version: FormStr = "",
) -> Response:
    form = {
        "name": name,
        "relationship_label": relationship_label,
        "contact": contact,
        "crisis_role": crisis_role,
        "note": note,
    }
    return _edit_submit(request, db, viewer, member_id, service.PEOPLE, person_id, form, version)


@pages.get("/members/{member_id}/supporters/people/{person_id}/remove")
def remove_person_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, person_id: RecordId
) -> Response:
    page = service.get_item(db, viewer, member_id, service.PEOPLE, person_id)
    return _remove_page(request, page, service.PEOPLE)


@pages.post("/members/{member_id}/supporters/people/{person_id}/remove", dependencies=WriteGate)
def remove_person_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    person_id: RecordId,
    version: FormStr = "",
    note: FormStr = "",
) -> Response:
    return _remove_submit(request, db, viewer, member_id, service.PEOPLE, person_id, version, note)


@pages.get("/members/{member_id}/supporters/places/{place_id}")
def edit_place_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, place_id: RecordId
) -> Response:
    page = service.get_item(db, viewer, member_id, service.PLACES, place_id)
    return _edit_page(request, page, service.PLACES)


@pages.post("/members/{member_id}/supporters/places/{place_id}", dependencies=WriteGate)
def edit_place_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    place_id: RecordId,
    place_name: FormStr = "",
    why_it_helps: FormStr = "",
    place_note: FormStr = "",
    version: FormStr = "",
) -> Response:
    form = {"name": place_name, "why_it_helps": why_it_helps, "note": place_note}
    return _edit_submit(request, db, viewer, member_id, service.PLACES, place_id, form, version)


@pages.get("/members/{member_id}/supporters/places/{place_id}/remove")
def remove_place_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, place_id: RecordId
) -> Response:
    page = service.get_item(db, viewer, member_id, service.PLACES, place_id)
    return _remove_page(request, page, service.PLACES)


@pages.post("/members/{member_id}/supporters/places/{place_id}/remove", dependencies=WriteGate)
def remove_place_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    place_id: RecordId,
    version: FormStr = "",
    note: FormStr = "",
) -> Response:
    return _remove_submit(request, db, viewer, member_id, service.PLACES, place_id, version, note)


# ---- JSON API ---------------------------------------------------------------------------

WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"model": ProposalRead, "description": "Saved as a suggestion for the member."}
}
VersionQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="The version you read.")]
NoteQuery = Annotated[str, Query(max_length=500)]


def _written(db: DbSession, result: object, status_code: int) -> Response:
    if isinstance(result, Proposed):
        names = author_names(db, [result.proposal.proposed_by_id])
        body: object = proposals.proposal_read(result.proposal, names)
        status_code = 202
    else:
        assert isinstance(result, SupporterEntry | CommunityPlace)
        names = author_names(db, [result.created_by_id, result.updated_by_id])
        body = service.item_read(result, names)
    return JSONResponse(jsonable_encoder(body), status_code=status_code)


@api.get("/members/{member_id}/supporters", response_model=SupportersRead)
def api_supporters(db: DbSession, viewer: Me, member_id: RecordId) -> SupportersRead:
    view = service.supporters_view(db, viewer, member_id)
    names = dict(view.names)
    names.update(author_names(db, [pv.proposal.proposed_by_id for pv in view.pending]))
    return SupportersRead(
        people=[service.person_read(p, names) for p in view.people],
        places=[service.place_read(p, names) for p in view.places],
        pending_proposals=[proposals.proposal_read(pv.proposal, names) for pv in view.pending],
    )


@api.post(
    "/members/{member_id}/supporters/people",
    status_code=201,
    response_model=PersonRead,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_add_person(db: DbSession, viewer: Me, member_id: RecordId, body: PersonIn) -> Response:
    return _written(db, service.add_item(db, viewer, member_id, service.PEOPLE, body), 201)


@api.patch(
    "/members/{member_id}/supporters/people/{person_id}",
    response_model=PersonRead,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_change_person(
    db: DbSession, viewer: Me, member_id: RecordId, person_id: RecordId, body: PersonChange
) -> Response:
    result = service.change_item(db, viewer, member_id, service.PEOPLE, person_id, body)
    return _written(db, result, 200)


@api.delete(
    "/members/{member_id}/supporters/people/{person_id}",
    status_code=204,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_remove_person(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    person_id: RecordId,
    version: VersionQuery,
    note: NoteQuery = "",
) -> Response:
    result = service.remove_item(
        db, viewer, member_id, service.PEOPLE, person_id, version, note.strip()
    )
    return _written(db, result, 202) if isinstance(result, Proposed) else Response(status_code=204)


@api.post(
    "/members/{member_id}/supporters/places",
    status_code=201,
    response_model=PlaceRead,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_add_place(db: DbSession, viewer: Me, member_id: RecordId, body: PlaceIn) -> Response:
    return _written(db, service.add_item(db, viewer, member_id, service.PLACES, body), 201)


@api.patch(
    "/members/{member_id}/supporters/places/{place_id}",
    response_model=PlaceRead,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_change_place(
    db: DbSession, viewer: Me, member_id: RecordId, place_id: RecordId, body: PlaceChange
) -> Response:
    result = service.change_item(db, viewer, member_id, service.PLACES, place_id, body)
    return _written(db, result, 200)


@api.delete(
    "/members/{member_id}/supporters/places/{place_id}",
    status_code=204,
    responses=WRITE_RESPONSES,
    dependencies=WriteGate,
)
def api_remove_place(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    place_id: RecordId,
    version: VersionQuery,
    note: NoteQuery = "",
) -> Response:
    result = service.remove_item(
        db, viewer, member_id, service.PLACES, place_id, version, note.strip()
    )
    return _written(db, result, 202) if isinstance(result, Proposed) else Response(status_code=204)

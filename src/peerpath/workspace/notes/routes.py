"""Pages and JSON API for session notes, addenda, member comments and outreach preferences.

Pages: /notes (the author's own notes), /members/{id}/notes (staff), /my-notes (the member),
/members/{id}/notes/new, /notes/{id}, /notes/{id}/edit, and small POST forms. The draft form
saves itself as you type (HTMX, debounced, to /notes/autosave) and has a plain Save button
that works without JavaScript. The API under /api/v1 calls the same service functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.deps import DbSession, Me, MemberViewer, PeerViewer, RecordId
from peerpath.core.errors import Conflict, EditConflict, Invalid, NotFound
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID, utcnow
from peerpath.db.models import NoteModality, Role, SessionNote, User
from peerpath.db.models.workspace_notes import MODALITY_LABELS
from peerpath.workspace.notes import service
from peerpath.workspace.notes.schemas import (
    BillingRead,
    EntryRead,
    NoteIn,
    NotePatch,
    NoteRead,
    ObjectiveLinkRead,
    OutreachIn,
    OutreachRead,
    ReviewRead,
    SignIn,
    TextIn,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["session notes"])

TEXT_FIELDS = ("intervention", "purpose", "member_response", "strengths_observed", "next_steps")
FORM_FIELDS = ("contact_date", "start_time", "end_time", "modality", "location", *TEXT_FIELDS)
MODALITIES = [(m.value, MODALITY_LABELS[m]) for m in NoteModality]


async def posted_form(request: Request) -> FormData:
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _friendly(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        key = loc[0] if loc else "form"
        label = service.LABELS.get(key, key.replace("_", " ").capitalize())
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "string_too_long":
            message = f"{label}: please keep this to {ctx.get('max_length')} characters or fewer."
        elif kind in ("missing", "string_too_short"):
            message = f"{label}: please write something here."
        elif kind.startswith("date"):
            message = f"{label}: please enter a date like 2026-03-31."
        elif kind.startswith("time"):
            message = f"{label}: please enter a time like 10:30."
        elif kind == "enum":
            message = f"{label}: please choose one of the options."
        elif key == "objective_ids":
            message = f"{label}: please choose objectives from the list."
        else:
            message = f"{label}: this does not look right."
        errors.setdefault(key, message)
    return errors


def _validated(model: type[Any], data: Mapping[str, Any]) -> Any:
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.",
            errors=_friendly(exc),
        ) from None


def _form_values(form: FormData) -> dict[str, Any]:
    """The note fields as typed, for re-showing a form."""
    values: dict[str, Any] = {key: _text(form, key) for key in FORM_FIELDS}
    values["billable"] = bool(_text(form, "billable"))
    values["objective_ids"] = [
        int(v) for v in form.getlist("objective_ids") if isinstance(v, str) and v.isdigit()
    ]
    values["group_session_id"] = _group_session_id(_text(form, "group_session_id"))
    return values


def _note_data(form: FormData) -> dict[str, Any]:
    """Form -> API shape: blanks are 'not given'; ids that are not whole numbers are refused."""
    data: dict[str, Any] = {}
    for key in FORM_FIELDS:
        raw = _text(form, key).strip()
        if key in ("contact_date", "start_time", "end_time", "modality"):
            data[key] = raw or None
        else:
            data[key] = _text(form, key)
    if data["modality"] is None:
        data.pop("modality")
    data["billable"] = bool(_text(form, "billable"))
    ids = [v for v in form.getlist("objective_ids") if isinstance(v, str)]
    if any(not (v.isdigit() and len(v) < 11 and 1 <= int(v) <= MAX_ID) for v in ids):
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.",
            errors={"objective_ids": "Objectives worked on: please choose from the list."},
        )
    data["objective_ids"] = [int(v) for v in ids]
    return data


def _values_of(db: DbSession, note: SessionNote) -> dict[str, Any]:
    values = service.current_values(db, note)
    for key in ("start_time", "end_time"):
        values[key] = values[key].strftime("%H:%M") if values[key] else ""
    values["contact_date"] = note.contact_date.isoformat()
    values["modality"] = note.modality.value
    return values


def _write_member(db: DbSession, viewer: Viewer, member_id: int) -> User:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.NOTES, Action.WRITE, record_type="session_note"
    )
    if viewer.user.role != Role.PEER_SPECIALIST:
        raise NotFound()
    return member


def _form_page(
    request: Request,
    db: DbSession,
    member: User,
    *,
    note: SessionNote | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
    view: service.NoteView | None = None,
) -> Response:
    return render(
        request,
        "workspace/notes/form.html",
        {
            "title": "Change this note" if note else f"New session note: {member.display_name}",
            "member": member,
            "note": note,
            "view": view,
            "form": values,
            "objectives": service.objective_choices(db, member),
            "modalities": MODALITIES,
            "errors": errors or {},
            "error": error,
            "max_date": service.today().isoformat(),
        },
        status_code=status_code,
    )


# Gates run before the body is validated, so someone who may not act on a record gets the
# audited 404, never a 422 that would tell them the record exists.


def member_write_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    _write_member(db, viewer, member_id)


def note_write_gate(db: DbSession, viewer: Me, note_id: RecordId) -> None:
    service.note_for_viewer(db, viewer, note_id, Action.WRITE)


def note_comment_gate(db: DbSession, viewer: Me, note_id: RecordId) -> None:
    _, member = service.note_for_viewer(db, viewer, note_id)
    if viewer.user.id != member.id:
        raise NotFound()


def outreach_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    service.get_outreach(db, viewer, member_id)


def note_read(view: service.NoteView, viewer: Viewer) -> NoteRead:
    note = view.note
    staff = service.shows_billing(viewer)
    billing = None
    if staff and view.billing is not None:
        b = view.billing
        billing = BillingRead(
            service_code=b.service_code,
            units=b.units,
            day_units=b.day_units,
            daily_cap_units=b.daily_cap_units,
            warning=b.warning,
        )
    return NoteRead(
        id=note.id,
        member_id=note.member_id,
        author=view.author,
        contact_date=note.contact_date,
        start_time=note.start_time,
        end_time=note.end_time,
        minutes=note.minutes,
        modality=note.modality,
        location=note.location,
        objectives=[
            ObjectiveLinkRead(objective_id=o.objective_id, text=o.objective_text)
            for o in view.objectives
        ],
        intervention=note.intervention,
        purpose=note.purpose,
        member_response=note.member_response,
        strengths_observed=note.strengths_observed,
        next_steps=note.next_steps,
        status=note.status,
        signed_at=note.signed_at,
        version=note.version,
        created_at=note.created_at,
        updated_at=note.updated_at,
        addenda=[EntryRead(**vars(a)) for a in view.addenda],
        comments=[EntryRead(**vars(c)) for c in view.comments],
        reviews=[
            ReviewRead(
                reviewer=r.reviewer,
                decision=r.decision.value,
                comment=r.comment,
                created_at=r.created_at,
            )
            for r in view.reviews
        ]
        if staff
        else [],
        billable=note.billable if staff else None,
        billing=billing,
    )


# ---- pages: lists -----------------------------------------------------------------------


@pages.get("/notes")
def my_notes_page(request: Request, db: DbSession, viewer: PeerViewer) -> Response:
    return render(
        request,
        "workspace/notes/mine.html",
        {"title": "Session notes", "mine": service.my_notes(db, viewer)},
    )


@pages.get("/members/{member_id}/notes")
def member_notes_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    member, views = service.list_member_notes(db, viewer, member_id)
    is_member = viewer.user.id == member.id
    return render(
        request,
        "workspace/notes/list.html",
        {
            "title": "Notes about me" if is_member else f"Session notes: {member.display_name}",
            "member": member,
            "views": views,
            "is_member": is_member,
            "can_write": access.can(db, viewer.user, member, Section.NOTES, Action.WRITE)
            and viewer.user.role == Role.PEER_SPECIALIST,
        },
    )


@pages.get("/my-notes")
def my_notes_member_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    member, views = service.list_member_notes(db, viewer, viewer.user.id)
    return render(
        request,
        "workspace/notes/list.html",
        {
            "title": "Notes about me",
            "member": member,
            "views": views,
            "is_member": True,
            "can_write": False,
        },
    )


# ---- pages: writing ---------------------------------------------------------------------


@pages.get("/members/{member_id}/notes/new")
def new_note_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    member = _write_member(db, viewer, member_id)
    values: dict[str, Any] = {key: "" for key in FORM_FIELDS}
    values.update(
        contact_date=service.today().isoformat(),
        modality=NoteModality.IN_PERSON.value,
        billable=True,
        objective_ids=[],
    )
    # From a group session's "write an individual note" link: its day, modality group, and
    # the session the note will refer to once it is saved.
    query = request.query_params
    if query.get("modality", "") in {m.value for m in NoteModality}:
        values["modality"] = query["modality"]
    day = query.get("contact_date", "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and day <= values["contact_date"]:
        values["contact_date"] = day
    values["group_session_id"] = _group_session_id(query.get("group_session_id", ""))
    return _form_page(request, db, member, note=None, values=values)


def _group_session_id(raw: str) -> str:
    raw = raw.strip()
    return raw if raw.isdigit() and 0 < int(raw[:11]) <= MAX_ID else ""


def _link_group_session(
    request: Request, db: DbSession, viewer: Viewer, form: FormData, note: SessionNote
) -> str:
    """Refer the saved note to the group session it was started from; a message when that
    could not be done (the note itself is saved either way)."""
    from peerpath.workspace.groups.service import link_note

    session_id = _group_session_id(_text(form, "group_session_id"))
    if not session_id:
        return ""
    try:
        with db.begin_nested():
            link_note(db, viewer, int(session_id), note.id)
    except (Invalid, Conflict, NotFound) as exc:
        return f" It does not refer to the group session yet: {exc.message}"
    return " It refers to the group session."


@pages.post("/members/{member_id}/notes")
def new_note_submit(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, form: PostedForm
) -> Response:
    member = _write_member(db, viewer, member_id)
    draft_id = _text(form, "note_id").strip()
    if draft_id.isdigit() and len(draft_id) < 11:
        # The form already saved itself once (autosave): this Save updates that draft.
        return edit_note_submit(request, db, viewer, int(draft_id), form)
    try:
        note = service.create_note(db, viewer, member.id, _validated(NoteIn, _note_data(form)))
        linked = _link_group_session(request, db, viewer, form, note)
    except Invalid as exc:
        return _form_page(
            request,
            db,
            member,
            note=None,
            values=_form_values(form),
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    return redirect(f"/notes/{note.id}/edit", request, "Draft saved." + linked)


def _autosave_fragment(
    request: Request, *, note: SessionNote | None, message: str, ok: bool, status_code: int = 200
) -> Response:
    return render(
        request,
        "workspace/notes/_autosave.html",
        {"note": note, "message": message, "ok": ok},
        status_code=status_code,
    )


@pages.post("/notes/autosave")
def autosave(request: Request, db: DbSession, viewer: PeerViewer, form: PostedForm) -> Response:
    """The draft form, saved as you type: creates the draft on the first save, then updates
    it with the version it holds. Answers a small status fragment (and the new id/version)."""
    note_id, member_id, version = (
        _text(form, k).strip() for k in ("note_id", "member_id", "version")
    )
    try:
        data = _note_data(form)
        if note_id:
            if not (note_id.isdigit() and version.isdigit() and len(note_id) < 11):
                raise NotFound()
            patch = _validated(NotePatch, {**data, "version": int(version[:10])})
            note = service.update_note(db, viewer, int(note_id), patch)
        else:
            if not (member_id.isdigit() and len(member_id) < 11):
                raise Invalid("No member was named.", errors={"member_id": "Which member?"})
            note = service.create_note(db, viewer, int(member_id), _validated(NoteIn, data))
    except Invalid as exc:
        first = next(iter(exc.errors.values()), exc.message)
        return _autosave_fragment(
            request, note=None, message=f"Not saved yet: {first}", ok=False, status_code=422
        )
    except EditConflict:
        return _autosave_fragment(
            request,
            note=None,
            message="Not saved: this note was changed somewhere else. Reload the page to see "
            "the newest version.",
            ok=False,
            status_code=409,
        )
    except Conflict as exc:
        return _autosave_fragment(
            request, note=None, message=exc.message, ok=False, status_code=409
        )
    saved_at = utcnow().strftime("%H:%M")
    return _autosave_fragment(request, note=note, message=f"Draft saved at {saved_at}", ok=True)


@pages.get("/notes/{note_id}")
def note_page(request: Request, db: DbSession, viewer: Me, note_id: RecordId) -> Response:
    view = service.note_view(db, viewer, note_id)
    return _note_page(request, db, viewer, view)


def _note_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    view: service.NoteView,
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    note, member = view.note, view.member
    relation = access.relation_to_member(db, viewer.user, member)
    is_author = note.author_id == viewer.user.id
    return render(
        request,
        "workspace/notes/note.html",
        {
            "title": f"Session note, {note.contact_date.strftime('%d %B %Y')}",
            "v": view,
            "note": note,
            "member": member,
            "is_member": relation == access.Relation.SELF,
            "is_author": is_author,
            "can_edit": is_author and note.status.editable,
            "can_addendum": relation == access.Relation.ASSIGNED_PEER
            and note.status in service.LOCKED,
            "can_review": relation == access.Relation.SUPERVISOR
            and note.status.value == "pending_review",
            "show_billing": service.shows_billing(viewer),
            "sign_errors": service.sign_errors(db, note, member)
            if is_author and note.status.editable
            else {},
            "errors": errors or {},
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
    )


@pages.get("/notes/{note_id}/edit")
def edit_note_page(request: Request, db: DbSession, viewer: Me, note_id: RecordId) -> Response:
    note, member = service.note_for_viewer(db, viewer, note_id, Action.WRITE)
    if note.author_id != viewer.user.id or not note.status.editable:
        return redirect(f"/notes/{note.id}")
    view = service.build_views(db, [note], {member.id: member}, billing=True)[0]
    return _form_page(request, db, member, note=note, values=_values_of(db, note), view=view)


@pages.post("/notes/{note_id}/edit")
def edit_note_submit(
    request: Request, db: DbSession, viewer: Me, note_id: RecordId, form: PostedForm
) -> Response:
    note, member = service.note_for_viewer(db, viewer, note_id, Action.WRITE)
    version = _text(form, "version").strip()
    try:
        data = _note_data(form)
        patch = _validated(
            NotePatch,
            {**data, "version": int(version) if version.isdigit() and len(version) < 11 else 0},
        )
        service.update_note(db, viewer, note.id, patch)
        linked = _link_group_session(request, db, viewer, form, note)
    except Invalid as exc:
        return _form_page(
            request,
            db,
            member,
            note=note,
            values=_form_values(form),
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    if _text(form, "then") == "sign":
        return redirect(f"/notes/{note.id}#sign")
    return redirect(f"/notes/{note.id}/edit", request, "Draft saved." + linked)


@pages.post("/notes/{note_id}/sign")
def sign_submit(
    request: Request, db: DbSession, viewer: Me, note_id: RecordId, form: PostedForm
) -> Response:
    version = _text(form, "version").strip()
    try:
        view = service.sign_note(
            db, viewer, note_id, int(version) if version.isdigit() and len(version) < 11 else None
        )
    except Invalid as exc:
        return _note_page(
            request,
            db,
            viewer,
            service.note_view(db, viewer, note_id),
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    message = "Signed. The note is locked now; corrections go in dated addenda."
    if view.note.status.value == "pending_review":
        message = "Signed and sent for review. It is locked now."
    if view.billing and view.billing.warning:
        message += " " + view.billing.warning
    return redirect(f"/notes/{note_id}", request, message)


@pages.post("/notes/{note_id}/addenda", dependencies=[Depends(note_write_gate)])
def addendum_submit(
    request: Request, db: DbSession, viewer: Me, note_id: RecordId, form: PostedForm
) -> Response:
    try:
        data = _validated(TextIn, {"text": _text(form, "text")})
        service.add_addendum(db, viewer, note_id, data.text)
    except Invalid as exc:
        return _note_page(
            request,
            db,
            viewer,
            service.note_view(db, viewer, note_id),
            errors={"addendum": next(iter(exc.errors.values()), exc.message)},
            error=exc.message,
            form={"addendum": _text(form, "text")},
            status_code=422,
        )
    return redirect(f"/notes/{note_id}#addenda", request, "Addendum added, dated today.")


@pages.post("/notes/{note_id}/comments", dependencies=[Depends(note_comment_gate)])
def comment_submit(
    request: Request, db: DbSession, viewer: Me, note_id: RecordId, form: PostedForm
) -> Response:
    try:
        data = _validated(TextIn, {"text": _text(form, "text")})
        service.add_comment(db, viewer, note_id, data.text)
    except Invalid as exc:
        return _note_page(
            request,
            db,
            viewer,
            service.note_view(db, viewer, note_id),
            errors={"comment": next(iter(exc.errors.values()), exc.message)},
            error=exc.message,
            form={"comment": _text(form, "text")},
            status_code=422,
        )
    return redirect(f"/notes/{note_id}#comments", request, "Your comment is added to the note.")


# ---- pages: outreach --------------------------------------------------------------------


def _outreach_page(
    request: Request,
    member: User,
    viewer: Viewer,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    is_member = viewer.user.id == member.id
    return render(
        request,
        "workspace/notes/outreach.html",
        {
            "title": "Reaching out" if is_member else f"Reaching out: {member.display_name}",
            "member": member,
            "is_member": is_member,
            "form": values,
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/members/{member_id}/outreach")
def outreach_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    member, pref = service.get_outreach(db, viewer, member_id)
    values = {"wants_outreach": pref.wants_outreach, "days": str(pref.days)}
    return _outreach_page(request, member, viewer, values)


@pages.post("/members/{member_id}/outreach")
def outreach_submit(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, form: PostedForm
) -> Response:
    member, _ = service.get_outreach(db, viewer, member_id)
    days = _text(form, "days").strip()
    values: dict[str, Any] = {
        "wants_outreach": _text(form, "wants_outreach") == "yes",
        "days": days,
    }
    try:
        if not (days.isdigit() and len(days) < 4):
            raise Invalid(
                "Nothing was saved yet.",
                errors={"days": "After how many days: please enter a whole number from 1 to 90."},
            )
        data = _validated(
            OutreachIn, {"wants_outreach": values["wants_outreach"], "days": int(days)}
        )
        service.save_outreach(db, viewer, member.id, data)
    except Invalid as exc:
        errors = dict(exc.errors)
        if "days" in errors:
            errors["days"] = "After how many days: please enter a whole number from 1 to 90."
        return _outreach_page(
            request, member, viewer, values, errors=errors, error=exc.message, status_code=422
        )
    back = "/my-recovery" if viewer.user.id == member.id else f"/members/{member.id}"
    return redirect(back, request, "Saved: the outreach choice is updated.")


# ---- JSON API ---------------------------------------------------------------------------
@api.get("/members/{member_id}/notes", response_model=list[NoteRead])
def api_member_notes(db: DbSession, viewer: Me, member_id: RecordId) -> list[NoteRead]:
    _, views = service.list_member_notes(db, viewer, member_id)
    return [note_read(v, viewer) for v in views]


@api.post(
    "/members/{member_id}/notes",
    response_model=NoteRead,
    status_code=201,
    dependencies=[Depends(member_write_gate)],
)
def api_create_note(db: DbSession, viewer: Me, member_id: RecordId, body: NoteIn) -> NoteRead:
    note = service.create_note(db, viewer, member_id, body)
    return note_read(service.note_view(db, viewer, note.id), viewer)


@api.get("/notes/{note_id}", response_model=NoteRead)
def api_note(db: DbSession, viewer: Me, note_id: RecordId) -> NoteRead:
    return note_read(service.note_view(db, viewer, note_id), viewer)


@api.patch("/notes/{note_id}", response_model=NoteRead, dependencies=[Depends(note_write_gate)])
def api_update_note(db: DbSession, viewer: Me, note_id: RecordId, body: NotePatch) -> NoteRead:
    service.update_note(db, viewer, note_id, body)
    return note_read(service.note_view(db, viewer, note_id), viewer)


@api.post("/notes/{note_id}/sign", response_model=NoteRead, dependencies=[Depends(note_write_gate)])
def api_sign_note(db: DbSession, viewer: Me, note_id: RecordId, body: SignIn) -> NoteRead:
    return note_read(service.sign_note(db, viewer, note_id, body.version), viewer)


class EntryCreated(BaseModel):
    id: int
    note_id: int


@api.post(
    "/notes/{note_id}/addenda",
    response_model=EntryCreated,
    status_code=201,
    dependencies=[Depends(note_write_gate)],
)
def api_add_addendum(db: DbSession, viewer: Me, note_id: RecordId, body: TextIn) -> EntryCreated:
    row = service.add_addendum(db, viewer, note_id, body.text)
    return EntryCreated(id=row.id, note_id=row.note_id)


@api.post(
    "/notes/{note_id}/comments",
    response_model=EntryCreated,
    status_code=201,
    dependencies=[Depends(note_comment_gate)],
)
def api_add_comment(db: DbSession, viewer: Me, note_id: RecordId, body: TextIn) -> EntryCreated:
    row = service.add_comment(db, viewer, note_id, body.text)
    return EntryCreated(id=row.id, note_id=row.note_id)


@api.get("/members/{member_id}/outreach", response_model=OutreachRead)
def api_outreach(db: DbSession, viewer: Me, member_id: RecordId) -> OutreachRead:
    member, pref = service.get_outreach(db, viewer, member_id)
    return OutreachRead(member_id=member.id, wants_outreach=pref.wants_outreach, days=pref.days)


@api.put(
    "/members/{member_id}/outreach",
    response_model=OutreachRead,
    dependencies=[Depends(outreach_gate)],
)
def api_save_outreach(
    db: DbSession, viewer: Me, member_id: RecordId, body: OutreachIn
) -> OutreachRead:
    pref = service.save_outreach(db, viewer, member_id, body)
    return OutreachRead(member_id=member_id, wants_outreach=pref.wants_outreach, days=pref.days)

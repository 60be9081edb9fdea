"""Pages and JSON API for 42 CFR Part 2: the member's consents, the accounting of disclosures,
a copy of the record for someone else, and the admin's Part 2 marking of a programme.

Consents and disclosures are the member's alone: anyone else gets 404 (audited). Every form
works without JavaScript (POST, then redirect and flash, or the page again with the problems
marked and status 422).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError

from peerpath.checkins.journal.routes import AppKeyring
from peerpath.core.access import Action
from peerpath.core.audit import Viewer
from peerpath.core.deps import AdminViewer, DbSession, Me, MemberViewer, RecordId
from peerpath.core.errors import Invalid
from peerpath.core.templating import redirect, render, templates
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import RecipientKind, Role, User
from peerpath.outcomes import programs
from peerpath.rights import export
from peerpath.sharing.part2 import service
from peerpath.sharing.part2.schemas import (
    ConsentIn,
    ConsentRead,
    DisclosureRead,
    ExportForIn,
    ProgramPart2In,
    ProgramPart2Read,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["42 CFR Part 2"])

FormStr = Annotated[str, Form()]
SECTION_WORDS = {
    "plan": "recovery plan",
    "wellness_plan": "wellness plan",
    "crisis_plan": "crisis plan",
    "checkins": "check-ins",
    "measures": "questionnaires",
    "journal": "journal",
    "notes": "session notes",
}


# ---- template helpers: the notice, for pages others own -------------------------------------


def _notice_for(request: Request, member_id: int) -> str | None:
    """Jinja global `part2_notice_for(request, member_id)`: the notice text when the signed-in
    viewer is a supporter and what the member shares with them holds Part 2 records."""
    db = getattr(request.state, "db", None)
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    if db is None or viewer is None or sa_inspect(viewer.user).detached:
        # An error page rendered after the request's session ended shows no record.
        return None
    try:
        if viewer.user.role != Role.SUPPORTER:
            return None
        member = db.get(User, member_id)
        if member is None or member.organization_id != viewer.org_id:
            return None
        return service.notice_for(db, viewer.user, member)
    except SQLAlchemyError:
        return None


templates.env.globals["part2_notice_for"] = _notice_for
templates.env.globals["part2_notice_title"] = service.NOTICE_TITLE


# ---- consents -------------------------------------------------------------------------------


@pages.get("/me/consents")
def consents_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    member, lines = service.list_consents(db, viewer, viewer.user.id)
    return render(
        request,
        "sharing/part2/consents.html",
        {
            "title": "My consents to share protected records",
            "lines": lines,
            "tagged": service.has_part2_records(db, member),
        },
    )


def _consent_form(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    form: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    member = viewer.user
    return render(
        request,
        "sharing/part2/consent_form.html",
        {
            "title": "Consent to share protected records",
            "form": form,
            "errors": errors or {},
            "error": error,
            "supporters": [
                (str(s.id), s.display_name) for s, _ in service.linked_supporters(db, member)
            ],
            "right_to_revoke": service.RIGHT_TO_REVOKE,
            "notice": service.NOTICE,
            "elements": service.ELEMENTS,
        },
        status_code=status_code,
    )


@pages.get("/me/consents/new")
def consent_new(
    request: Request, db: DbSession, viewer: MemberViewer, recipient_user_id: str = ""
) -> Response:
    form: dict[str, Any] = service.consent_defaults(db, viewer.user)
    form["recipient_user_id"] = recipient_user_id[:12]
    return _consent_form(request, db, viewer, form)


@pages.post("/me/consents/new")
def consent_create(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    member_name: FormStr = "",
    disclosing_party: FormStr = "",
    information_description: FormStr = "",
    recipients: FormStr = "",
    recipient_user_id: FormStr = "",
    purpose: FormStr = "",
    right_to_revoke_acknowledged: FormStr = "",
    expires_on: FormStr = "",
    expiry_event: FormStr = "",
    signature: FormStr = "",
    signed_on: FormStr = "",
) -> Response:
    data = service.ConsentInput(
        member_name=member_name[:1000],
        disclosing_party=disclosing_party[:1000],
        information_description=information_description[:10000],
        recipients=recipients[:1000],
        recipient_user_id=recipient_user_id[:12],
        purpose=purpose[:5000],
        right_to_revoke_acknowledged=right_to_revoke_acknowledged == "yes",
        expires_on=expires_on[:20],
        expiry_event=expiry_event[:1000],
        signature=signature[:1000],
        signed_on=signed_on[:20],
    )
    try:
        consent = service.create_consent(db, viewer, viewer.user.id, data)
    except Invalid as exc:
        form = dict(vars(data))
        form["right_to_revoke_acknowledged"] = data.right_to_revoke_acknowledged
        return _consent_form(
            request,
            db,
            viewer,
            form,
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    return redirect(
        f"/me/consents/{consent.id}",
        request,
        "Your consent is saved. You can take it back at any time on this page.",
    )


@pages.get("/me/consents/{consent_id}")
def consent_page(
    request: Request, db: DbSession, viewer: MemberViewer, consent_id: RecordId
) -> Response:
    line = service.get_consent(db, viewer, viewer.user.id, consent_id)
    return render(
        request,
        "sharing/part2/consent.html",
        {
            "title": "My consent to share protected records",
            "line": line,
            "right_to_revoke": service.RIGHT_TO_REVOKE,
        },
    )


@pages.get("/me/consents/{consent_id}/revoke")
def consent_revoke_page(
    request: Request, db: DbSession, viewer: MemberViewer, consent_id: RecordId
) -> Response:
    line, grants = service.grants_under_consent(db, viewer, viewer.user.id, consent_id)
    return render(
        request,
        "sharing/part2/revoke.html",
        {
            "title": "Take back this consent?",
            "line": line,
            "grants": [
                (
                    SECTION_WORDS.get(g.section, g.section),
                    g.expires_on,
                    g.recipient_kind == RecipientKind.SUPPORTER,
                )
                for g in grants
            ],
        },
    )


@pages.post("/me/consents/{consent_id}/revoke")
def consent_revoke(
    request: Request, db: DbSession, viewer: MemberViewer, consent_id: RecordId
) -> Response:
    service.revoke_consent(db, viewer, viewer.user.id, consent_id)
    return redirect(
        "/me/consents",
        request,
        "You took back this consent. Nothing more is shared because of it from now on.",
    )


# ---- the accounting of disclosures ----------------------------------------------------------


@pages.get("/me/disclosures")
def disclosures_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    _, lines = service.list_disclosures(db, viewer, viewer.user.id)
    return render(
        request,
        "sharing/part2/disclosures.html",
        {"title": "Who my records were shared with", "lines": lines},
    )


# ---- a copy of my record for someone else ---------------------------------------------------


def _export_for_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    form: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    consent_missing: bool = False,
    status_code: int = 200,
) -> Response:
    tagged, consents = service.export_choices(db, viewer)
    return render(
        request,
        "sharing/part2/export_for.html",
        {
            "title": "A copy of my record for someone else",
            "form": form,
            "errors": errors or {},
            "error": error,
            "tagged": tagged,
            "consent_options": [
                (str(c.id), f"To {c.recipients}, signed {c.signed_on.isoformat()}")
                for c in consents
            ],
            "consent_missing": consent_missing,
        },
        status_code=status_code,
    )


@pages.get("/me/export/for-someone-else")
def export_for_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return _export_for_page(request, db, viewer, {"format": "download"})


@pages.post("/me/export/for-someone-else")
def export_for_submit(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    keyring: AppKeyring,
    recipient: FormStr = "",
    purpose: FormStr = "",
    consent_id: FormStr = "",
    format: FormStr = "",
) -> Response:
    form = {
        "recipient": recipient[:400],
        "purpose": purpose[:1000],
        "consent_id": consent_id[:12],
        "format": format[:10],
    }
    kind = {"download": "export", "print": "print"}.get(form["format"])
    asked = service.ExportRequest(form["recipient"], form["purpose"], form["consent_id"])
    try:
        if kind is None:
            # Name every problem at once: the kind of copy, and whatever else is missing.
            errors = {"format": "Kind of copy: please choose a download or a printed copy."}
            try:
                service.check_export_request(db, viewer.user, asked)
            except Invalid as exc:
                exc.errors.update(errors)
                raise
            raise Invalid(
                "No copy was made yet: please look at the parts marked below.", errors=errors
            )
        data = service.export_for_someone_else(
            db, keyring, viewer, viewer.user.id, asked, kind=kind
        )
    except Invalid as exc:
        return _export_for_page(
            request,
            db,
            viewer,
            form,
            errors=exc.errors,
            error=exc.message,
            consent_missing=isinstance(exc, service.ConsentMissing),
            status_code=422,
        )
    if kind == "export":
        return Response(
            export.export_zip(data),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{export.export_filename(data)}"'
            },
        )
    return render(
        request,
        "rights/print.html",
        {
            "title": f"A copy of the record of {data['account']['display_name']}",
            "data": data,
            "parts": export.printable(data),
            "label": export.label,
            "shown": export.shown,
        },
    )


@api.post("/me/export/for-someone-else")
def api_export_for(
    db: DbSession, viewer: MemberViewer, keyring: AppKeyring, body: ExportForIn
) -> JSONResponse:
    """My export, made for someone else: needs a consent in force when Part 2 records are in
    it; written to my accounting of disclosures; carries `part2_notice` and `disclosure`."""
    data = service.export_for_someone_else(
        db, keyring, viewer, viewer.user.id, body.to_request(), kind="export"
    )
    return JSONResponse(jsonable_encoder(data))


# ---- consents and disclosures: API ----------------------------------------------------------


def _member_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    """Only the member: checked before the body is read, so others get 404, never 422."""
    service._consent_member(db, viewer, member_id, Action.WRITE, record_type="part2_consent")


@api.get("/members/{member_id}/part2-consents", response_model=list[ConsentRead])
def api_consents(db: DbSession, viewer: Me, member_id: RecordId) -> list[ConsentRead]:
    _, lines = service.list_consents(db, viewer, member_id)
    return [ConsentRead.of(line) for line in lines]


@api.post(
    "/members/{member_id}/part2-consents",
    response_model=ConsentRead,
    status_code=201,
    dependencies=[Depends(_member_gate)],
)
def api_create_consent(
    db: DbSession, viewer: Me, member_id: RecordId, body: ConsentIn
) -> ConsentRead:
    consent = service.create_consent(db, viewer, member_id, body.to_input())
    return ConsentRead.of(service.get_consent(db, viewer, member_id, consent.id))


@api.get("/members/{member_id}/part2-consents/{consent_id}", response_model=ConsentRead)
def api_consent(
    db: DbSession, viewer: Me, member_id: RecordId, consent_id: RecordId
) -> ConsentRead:
    return ConsentRead.of(service.get_consent(db, viewer, member_id, consent_id))


@api.post("/members/{member_id}/part2-consents/{consent_id}/revoke", response_model=ConsentRead)
def api_revoke_consent(
    db: DbSession, viewer: Me, member_id: RecordId, consent_id: RecordId
) -> ConsentRead:
    service.revoke_consent(db, viewer, member_id, consent_id)
    return ConsentRead.of(service.get_consent(db, viewer, member_id, consent_id))


@api.get("/members/{member_id}/disclosures", response_model=list[DisclosureRead])
def api_disclosures(db: DbSession, viewer: Me, member_id: RecordId) -> list[DisclosureRead]:
    _, lines = service.list_disclosures(db, viewer, member_id)
    return [DisclosureRead.of(line) for line in lines]


# ---- admins: marking a programme as Part 2 --------------------------------------------------


def _part2_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    program_id: int,
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    program = programs.get_program(db, viewer, program_id)
    return render(
        request,
        "sharing/part2/program_part2.html",
        {
            "title": f"42 CFR Part 2: {program.name}",
            "program": program,
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/admin/programs/{program_id}/part2")
def program_part2_page(
    request: Request, db: DbSession, viewer: AdminViewer, program_id: RecordId
) -> Response:
    return _part2_page(request, db, viewer, program_id)


@pages.post("/admin/programs/{program_id}/part2")
def program_part2_submit(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    program_id: RecordId,
    is_part2: FormStr = "",
) -> Response:
    if is_part2 not in ("yes", "no"):
        return _part2_page(
            request,
            db,
            viewer,
            program_id,
            errors={"is_part2": "Part 2: please choose yes or no."},
            error="Nothing was changed: please choose yes or no.",
            status_code=422,
        )
    program = programs.get_program(db, viewer, program_id)
    programs.set_part2(db, viewer, program, is_part2 == "yes")
    message = (
        f"{program.name} is marked as a 42 CFR Part 2 programme."
        if program.is_part2
        else f"{program.name} is no longer marked as a 42 CFR Part 2 programme."
    )
    return redirect(f"/admin/programs/{program.id}", request, message)


def _program_gate(db: DbSession, viewer: AdminViewer, program_id: RecordId) -> None:
    """Another organization's programme is 'not there' (404) before the body is read."""
    programs.get_program(db, viewer, program_id)


@api.put(
    "/programs/{program_id}/part2",
    response_model=ProgramPart2Read,
    dependencies=[Depends(_program_gate)],
)
def api_program_part2(
    db: DbSession, viewer: AdminViewer, program_id: RecordId, body: ProgramPart2In
) -> ProgramPart2Read:
    program = programs.get_program(db, viewer, program_id)
    programs.set_part2(db, viewer, program, body.is_part2)
    return ProgramPart2Read(id=program.id, name=program.name, is_part2=program.is_part2)

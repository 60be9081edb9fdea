"""Pages and JSON API for the plan's profile area."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from peerpath.core.deps import DbSession, Me, RecordId
from peerpath.core.errors import Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.plans.profile import service
from peerpath.plans.profile.schemas import ProfileIn, ProfileRead
from peerpath.plans.profile.web import form_version, parse_form, profile_write_gate

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["plan"])

FormStr = Annotated[str, Form()]
LABELS = {
    "preferred_name": "Preferred name",
    "pronouns": "Pronouns",
    "languages": "Languages",
    "recovery_meaning": "What recovery means to me",
    "what_matters": "What matters to me",
    "vision": "My vision, in my words",
}


def _page(
    request: Request,
    view: service.ProfileView,
    *,
    editing: bool,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
) -> Response:
    title = "My profile" if view.is_member else f"{view.member.display_name}'s profile"
    values = form if form is not None else {key: view.value(key) for key in service.FIELDS}
    return render(
        request,
        "plans/profile/profile.html",
        {
            "title": title,
            "v": view,
            "editing": editing and view.is_member,
            "form": values,
            "labels": LABELS,
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/members/{member_id}/profile")
def profile_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, edit: bool = False
) -> Response:
    view = service.get_profile(db, viewer, member_id)
    # Nothing written yet: the member goes straight to the form.
    return _page(request, view, editing=edit or view.profile is None)


@pages.post("/members/{member_id}/profile", dependencies=[Depends(profile_write_gate)])
def profile_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    preferred_name: FormStr = "",
    pronouns: FormStr = "",
    languages: FormStr = "",
    recovery_meaning: FormStr = "",
    what_matters: FormStr = "",
    vision: FormStr = "",
    version: FormStr = "",
) -> Response:
    form = {
        "preferred_name": preferred_name,
        "pronouns": pronouns,
        "languages": languages,
        "recovery_meaning": recovery_meaning,
        "what_matters": what_matters,
        "vision": vision,
    }
    try:
        data = parse_form(ProfileIn, {**form, "version": form_version(version)}, LABELS)
        service.save_profile(db, viewer, member_id, data)
    except Invalid as exc:
        view = service.get_profile(db, viewer, member_id)
        return _page(
            request,
            view,
            editing=True,
            status_code=422,
            form=form,
            errors=exc.errors,
            error="Nothing was saved yet: please look at the parts marked below.",
        )
    return redirect(f"/members/{member_id}/profile", request, "Your profile is saved.")


# ---- JSON API ---------------------------------------------------------------------------


@api.get("/members/{member_id}/profile", response_model=ProfileRead)
def api_profile(db: DbSession, viewer: Me, member_id: RecordId) -> ProfileRead:
    return service.profile_read(service.get_profile(db, viewer, member_id))


@api.put(
    "/members/{member_id}/profile",
    response_model=ProfileRead,
    dependencies=[Depends(profile_write_gate)],
)
def api_save_profile(
    db: DbSession, viewer: Me, member_id: RecordId, body: ProfileIn
) -> ProfileRead:
    row = service.save_profile(db, viewer, member_id, body)
    return service.profile_read(service.own_view(viewer, row))

"""Pages and JSON API for the journal: the member's own pages at /journal, the peer
specialist's read view of shared entries at /members/{id}/journal/..., and the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from peerpath.checkins.journal import service
from peerpath.checkins.journal.prompts import PROMPTS, SURPRISE, Prompt, prompt_for_day
from peerpath.checkins.journal.schemas import (
    MAX_TEXT,
    JournalEntryChange,
    JournalEntryIn,
    JournalEntryRead,
    PromptRead,
)
from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.crypto import Keyring
from peerpath.core.deps import DbSession, Me, MemberViewer, RecordId
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import Role, User
from peerpath.plans.vocabulary import CHIME

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["journal"])

FormStr = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]
Search = Annotated[str, Query(max_length=200)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
CHIME_OPTIONS = list(CHIME.items())
PRIVATE_NOTE = "Only you can read your journal. You can share one entry at a time."


def get_keyring(request: Request) -> Keyring:
    keyring: Keyring = request.app.state.keyring
    return keyring


AppKeyring = Annotated[Keyring, Depends(get_keyring)]


def journal_write_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    """Only the member writes their journal. Anyone else gets the audited refusal (404)
    before the request body is even read."""
    member = db.get(User, member_id)
    if (
        member is None
        or member.role != Role.MEMBER
        or not access.can(db, viewer.user, member, Section.JOURNAL, Action.WRITE)
    ):
        access.member_for_viewer(
            db, viewer, member_id, Section.JOURNAL, Action.WRITE, record_type="journal"
        )
        raise NotFound()


WriteGate = [Depends(journal_write_gate)]


def _version(value: str) -> int:
    value = value.strip()
    if not value.isdigit() or len(value) > 20:
        raise Invalid(
            "This form is out of date. Please open the entry again.",
            errors={"version": "This form is out of date. Please open the entry again."},
        )
    return int(value)


# ---- the member's pages -------------------------------------------------------------------


def _chosen_prompt(prompt: str) -> Prompt | None:
    if prompt == SURPRISE:
        return prompt_for_day(service.today())
    return PROMPTS.get(prompt)


def _journal_page(
    request: Request,
    db: DbSession,
    keyring: Keyring,
    viewer: MemberViewer,
    *,
    q: str = "",
    page: int = 1,
    prompt: Prompt | None = None,
    status_code: int = 200,
    form: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
) -> Response:
    journal = service.list_entries(db, keyring, viewer, viewer.user.id, q=q, page=page)
    chosen = form.get("chime") if form else (list(prompt.chime) if prompt else [])
    return render(
        request,
        "checkins/journal/journal.html",
        {
            "title": "My journal",
            "j": journal,
            "prompt": prompt,
            "prompt_options": [(p.key, p.text) for p in PROMPTS.values()],
            "chime_options": CHIME_OPTIONS,
            "form": form or {},
            "chosen_chime": chosen or [],
            "errors": errors or {},
            "error": error,
            "max_text": MAX_TEXT,
            "private_note": PRIVATE_NOTE,
        },
        status_code=status_code,
    )


@pages.get("/journal")
def journal(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    q: Search = "",
    page: PageNo = 1,
    prompt: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    return _journal_page(
        request, db, keyring, viewer, q=q, page=page, prompt=_chosen_prompt(prompt)
    )


@pages.post("/journal")
def journal_write(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    text: FormStr = "",
    prompt_key: FormStr = "",
    chime: FormList = None,
) -> Response:
    chime = chime or []
    data = JournalEntryIn(text=text, prompt_key=prompt_key[:40], chime=chime[:10])
    try:
        service.create_entry(db, keyring, viewer, viewer.user.id, data)
    except Invalid as exc:
        return _journal_page(
            request,
            db,
            keyring,
            viewer,
            prompt=PROMPTS.get(prompt_key),
            status_code=422,
            form={"text": text, "chime": chime},
            errors=exc.errors,
            error=exc.message,
        )
    return redirect("/journal", request, "Saved in your journal. Only you can read it.")


def _entry_page(
    request: Request,
    db: DbSession,
    entry: service.Entry,
    member: User,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    error: str = "",
) -> Response:
    return render(
        request,
        "checkins/journal/entry.html",
        {
            "title": f"Journal entry, {entry.when}",
            "e": entry,
            "peer": service.peer_of(db, member),
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/journal/{journal_entry_id}")
def journal_entry(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    journal_entry_id: RecordId,
) -> Response:
    entry = service.get_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
    return _entry_page(request, db, entry, viewer.user)


def _edit_page(
    request: Request,
    entry: service.Entry,
    *,
    status_code: int = 200,
    form: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
) -> Response:
    form = form or {"text": entry.text, "chime": list(entry.row.chime), "version": entry.version}
    return render(
        request,
        "checkins/journal/edit.html",
        {
            "title": "Edit journal entry",
            "e": entry,
            "form": form,
            "chime_options": CHIME_OPTIONS,
            "errors": errors or {},
            "error": error,
            "max_text": MAX_TEXT,
        },
        status_code=status_code,
    )


@pages.get("/journal/{journal_entry_id}/edit")
def journal_edit(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    journal_entry_id: RecordId,
) -> Response:
    entry = service.get_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
    if not entry.readable:
        raise Invalid("This entry cannot be opened right now, so it cannot be edited.")
    return _edit_page(request, entry)


@pages.post("/journal/{journal_entry_id}/edit")
def journal_edit_submit(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    journal_entry_id: RecordId,
    text: FormStr = "",
    version: FormStr = "",
    chime: FormList = None,
) -> Response:
    chime = chime or []
    form: dict[str, object] = {"text": text, "chime": chime, "version": version}
    try:
        change = JournalEntryChange(version=_version(version), text=text, chime=chime[:10])
        service.update_entry(db, keyring, viewer, viewer.user.id, journal_entry_id, change)
    except Invalid as exc:
        entry = service.get_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
        return _edit_page(
            request, entry, status_code=422, form=form, errors=exc.errors, error=exc.message
        )
    return redirect(f"/journal/{journal_entry_id}", request, "Saved.")


@pages.get("/journal/{journal_entry_id}/delete")
def journal_delete_confirm(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    journal_entry_id: RecordId,
) -> Response:
    entry = service.get_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
    return render(
        request,
        "checkins/journal/delete.html",
        {"title": "Delete this journal entry?", "e": entry, "error": ""},
    )


@pages.post("/journal/{journal_entry_id}/delete")
def journal_delete(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    journal_entry_id: RecordId,
    version: FormStr = "",
) -> Response:
    try:
        service.delete_entry(db, viewer, viewer.user.id, journal_entry_id, _version(version))
    except (Invalid, Conflict) as exc:
        entry = service.get_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
        return render(
            request,
            "checkins/journal/delete.html",
            {"title": "Delete this journal entry?", "e": entry, "error": exc.message},
            status_code=exc.status_code,
        )
    return redirect("/journal", request, "The entry is deleted.")


@pages.post("/journal/{journal_entry_id}/share")
def journal_share(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    journal_entry_id: RecordId,
) -> Response:
    try:
        service.share_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
    except Invalid as exc:
        entry = service.get_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
        return _entry_page(
            request, db, entry, viewer.user, status_code=422, errors=exc.errors, error=exc.message
        )
    peer = service.peer_of(db, viewer.user)
    name = peer.display_name if peer else "Your peer specialist"
    return redirect(
        f"/journal/{journal_entry_id}",
        request,
        f"Shared with {name}. You can take it back at any time.",
    )


@pages.post("/journal/{journal_entry_id}/unshare")
def journal_unshare(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: MemberViewer,
    journal_entry_id: RecordId,
) -> Response:
    service.unshare_entry(db, keyring, viewer, viewer.user.id, journal_entry_id)
    return redirect(
        f"/journal/{journal_entry_id}",
        request,
        "Taken back. This entry is private again, from now on.",
    )


# ---- the peer specialist's read view of shared entries ------------------------------------


@pages.get("/members/{member_id}/journal/shared")
def shared_journal(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: Me,
    member_id: RecordId,
) -> Response:
    entries = service.shared_entries(db, keyring, viewer, member_id)
    member = db.get(User, member_id)
    assert member is not None  # shared_entries refused otherwise
    return render(
        request,
        "checkins/journal/shared.html",
        {
            "title": f"Journal entries {member.display_name} shares with you",
            "member": member,
            "entries": entries,
            "is_member": viewer.user.id == member_id,
        },
    )


@pages.get("/members/{member_id}/journal/{journal_entry_id}")
def shared_journal_entry(
    request: Request,
    db: DbSession,
    keyring: AppKeyring,
    viewer: Me,
    member_id: RecordId,
    journal_entry_id: RecordId,
) -> Response:
    if viewer.user.id == member_id:
        return redirect(f"/journal/{journal_entry_id}")  # the member's own page checks access
    entry = service.get_entry(db, keyring, viewer, member_id, journal_entry_id)
    member = db.get(User, member_id)
    assert member is not None
    return render(
        request,
        "checkins/journal/shared_entry.html",
        {"title": f"Journal entry from {member.display_name}", "e": entry, "member": member},
    )


# ---- JSON API -----------------------------------------------------------------------------


@api.get("/journal/prompts", response_model=list[PromptRead])
def api_prompts(viewer: Me) -> list[PromptRead]:
    return [PromptRead(key=p.key, text=p.text, chime=list(p.chime)) for p in PROMPTS.values()]


@api.get("/members/{member_id}/journal", response_model=list[JournalEntryRead])
def api_journal(
    db: DbSession,
    keyring: AppKeyring,
    viewer: Me,
    member_id: RecordId,
    q: Search = "",
    page: PageNo = 1,
) -> list[JournalEntryRead]:
    """The member's own entries, newest first, 50 a page; `q` searches the text. Member only."""
    journal = service.list_entries(db, keyring, viewer, member_id, q=q, page=page)
    return [service.entry_read(e) for e in journal.entries]


@api.post(
    "/members/{member_id}/journal",
    response_model=JournalEntryRead,
    status_code=201,
    dependencies=WriteGate,
)
def api_write(
    db: DbSession, keyring: AppKeyring, viewer: Me, member_id: RecordId, body: JournalEntryIn
) -> JournalEntryRead:
    return service.entry_read(service.create_entry(db, keyring, viewer, member_id, body))


@api.get("/members/{member_id}/journal/shared", response_model=list[JournalEntryRead])
def api_shared(
    db: DbSession, keyring: AppKeyring, viewer: Me, member_id: RecordId
) -> list[JournalEntryRead]:
    """The entries the member shares with their peer specialist (the member or that peer)."""
    return [service.entry_read(e) for e in service.shared_entries(db, keyring, viewer, member_id)]


@api.get("/members/{member_id}/journal/{journal_entry_id}", response_model=JournalEntryRead)
def api_entry(
    db: DbSession, keyring: AppKeyring, viewer: Me, member_id: RecordId, journal_entry_id: RecordId
) -> JournalEntryRead:
    return service.entry_read(service.get_entry(db, keyring, viewer, member_id, journal_entry_id))


@api.patch(
    "/members/{member_id}/journal/{journal_entry_id}",
    response_model=JournalEntryRead,
    dependencies=WriteGate,
)
def api_change(
    db: DbSession,
    keyring: AppKeyring,
    viewer: Me,
    member_id: RecordId,
    journal_entry_id: RecordId,
    body: JournalEntryChange,
) -> JournalEntryRead:
    return service.entry_read(
        service.update_entry(db, keyring, viewer, member_id, journal_entry_id, body)
    )


@api.delete(
    "/members/{member_id}/journal/{journal_entry_id}", status_code=204, dependencies=WriteGate
)
def api_delete(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    journal_entry_id: RecordId,
    version: Annotated[int, Query(ge=0, le=2**62, description="The version you read.")],
) -> Response:
    service.delete_entry(db, viewer, member_id, journal_entry_id, version)
    return Response(status_code=204)


@api.post(
    "/members/{member_id}/journal/{journal_entry_id}/share",
    response_model=JournalEntryRead,
    dependencies=WriteGate,
)
def api_share(
    db: DbSession, keyring: AppKeyring, viewer: Me, member_id: RecordId, journal_entry_id: RecordId
) -> JournalEntryRead:
    return service.entry_read(service.share_entry(db, keyring, viewer, member_id, journal_entry_id))


@api.post(
    "/members/{member_id}/journal/{journal_entry_id}/unshare",
    response_model=JournalEntryRead,
    dependencies=WriteGate,
)
def api_unshare(
    db: DbSession, keyring: AppKeyring, viewer: Me, member_id: RecordId, journal_entry_id: RecordId
) -> JournalEntryRead:
    return service.entry_read(
        service.unshare_entry(db, keyring, viewer, member_id, journal_entry_id)
    )

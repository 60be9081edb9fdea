"""Admins mark a programme as Part 2 (audited); records made from then on are tagged."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, Program, User
from tests.conftest import Browser
from tests.integration.sharing.part2.conftest import Enrol, new_checkin, tag_of


def test_admin_marks_a_programme_part2_and_new_records_are_tagged(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = demo["harbor.member2"]
    program = enrol(member, part2=False)
    db.commit()
    before = new_checkin(db, member, day=None)
    assert tag_of(db, "checkins", before.id) is None
    db.commit()
    client.login("harbor.admin")
    assert "Mark as a 42 CFR Part 2 programme" in client.get(f"/admin/programs/{program.id}").text
    page = client.get(f"/admin/programs/{program.id}/part2")
    assert page.status_code == 200 and 'name="is_part2"' in page.text

    refused = client.submit(f"/admin/programs/{program.id}/part2", {})
    assert refused.status_code == 422 and 'id="f-is_part2-error"' in refused.text
    done = client.submit(f"/admin/programs/{program.id}/part2", {"is_part2": "yes"})

    assert done.status_code == 303
    db.expire_all()
    assert db.get(Program, program.id).is_part2 is True  # type: ignore[union-attr]
    event = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "write:program", AuditEvent.record_id == str(program.id)
        )
    ).one()
    assert event.detail == "42 CFR Part 2: no -> yes"
    after = new_checkin(db, member, day=date(2001, 1, 2))
    assert tag_of(db, "checkins", after.id) is not None
    assert tag_of(db, "checkins", before.id) is None  # records made before stay as they were

    api = client.api("PUT", f"/api/v1/programs/{program.id}/part2", json={"is_part2": False})
    assert api.status_code == 200 and api.json()["is_part2"] is False
    assert client.api("PUT", f"/api/v1/programs/{program.id}/part2", json={}).status_code == 422


def test_other_organizations_and_other_roles_cannot_mark(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    program = enrol(demo["harbor.member2"], part2=False)
    db.commit()
    client.login("riverbend.admin")
    assert client.get(f"/admin/programs/{program.id}/part2").status_code == 404
    assert (
        client.submit(f"/admin/programs/{program.id}/part2", {"is_part2": "yes"}).status_code == 404
    )
    db.expire_all()
    assert db.get(Program, program.id).is_part2 is False  # type: ignore[union-attr]

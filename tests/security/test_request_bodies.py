"""Request bodies peerpath cannot or will not read: multipart uploads, oversized bodies and bytes
that are not UTF-8 get a clear 4xx, never a 500, and nothing is half-saved."""

from __future__ import annotations

from collections.abc import Iterator

import asgi_csrf
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.core import middleware
from peerpath.db.models import CheckIn, User
from tests.conftest import Browser

FILE = {"upload": ("notes.txt", b"hello\n" * 100, "text/plain")}


def _checkin_count(db: Session, member: User) -> int:
    return int(db.scalar(select(func.count()).where(CheckIn.member_id == member.id)) or 0)


# ---- multipart (asgi-csrf + python-multipart) ---------------------------------------------


def test_asgi_csrf_still_has_the_hook_the_shim_replaces() -> None:
    # If asgi-csrf renames its multipart reader, the shim silently stops applying: fail here.
    assert asgi_csrf._parse_multipart_form_data is middleware._parse_multipart_form_data


def test_multipart_post_with_a_file_and_a_good_token_gets_a_normal_answer(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    response = client.post(
        "/account/password",
        data={"csrftoken": client.csrf(), "current_password": "wrong", "new_password": "x"},
        files=FILE,
        follow_redirects=False,
    )
    # The password form does not take files; it still reads the fields and says what is wrong.
    assert response.status_code == 422, response.text[:500]
    assert "Please try again" not in response.text


def test_multipart_post_without_a_token_is_refused_403(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    response = client.post(
        "/account/password", data={"current_password": "x"}, files=FILE, follow_redirects=False
    )
    assert response.status_code == 403
    assert "did not come from peerpath" in response.text


def test_multipart_post_with_a_wrong_token_is_refused_403(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    response = client.post(
        "/account/password",
        data={"csrftoken": "forged", "current_password": "x"},
        files=FILE,
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_multipart_token_after_the_file_is_still_found(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    token = client.csrf()
    boundary = "peerpathboundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="upload"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nhello\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrftoken"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    response = client.post(
        "/account/password",
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        follow_redirects=False,
    )
    assert response.status_code == 422


def test_multipart_login_without_cookies_works(make_client, demo: dict[str, User]) -> None:
    client = make_client()
    token = client.csrf()
    response = client.post(
        "/login",
        data={"csrftoken": token, "username": "harbor.member1", "password": "peerpath-demo"},
        files=FILE,
        follow_redirects=False,
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",  # no boundary
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=nothere",
    ],
)
def test_malformed_multipart_gets_400_or_403(
    client: Browser, demo: dict[str, User], content_type: str
) -> None:
    client.login("harbor.member1")
    response = client.post(
        "/account/password",
        content=b"--zzz\r\nnot really multipart\r\n",
        headers={"content-type": content_type},
        follow_redirects=False,
    )
    assert response.status_code in (400, 403), response.text[:300]


def test_multipart_json_api_with_header_token_is_4xx(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    member = demo["harbor.member1"]
    response = client.api(
        "POST", f"/api/v1/members/{member.id}/checkins", data={"note": "x"}, files=FILE
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/json")


def test_multipart_parser_finds_only_plain_fields() -> None:
    boundary = b"b"
    body = (
        b"--b\r\n"
        b'Content-Disposition: form-data; name="csrftoken"; filename="x"\r\n\r\n'
        b"from-a-file\r\n"
        b"--b\r\n"
        b'Content-Disposition: form-data; name="csrftoken"\r\n\r\n'
        b"real\r\n"
        b"--b--\r\n"
    )
    assert middleware.multipart_field(body, boundary, "csrftoken") == "real"
    assert middleware.multipart_field(b"--b--\r\n", boundary, "csrftoken") is None


# ---- oversized bodies ---------------------------------------------------------------------


def test_oversized_form_body_is_refused_413(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")
    member = demo["harbor.member1"]
    before = _checkin_count(db, member)
    response = client.submit(
        "/check-in",
        {"note": "x" * (middleware.MAX_BODY_BYTES + 10)},
    )
    assert response.status_code == 413
    assert "nothing was saved" in response.text
    assert _checkin_count(db, member) == before


def test_oversized_json_body_is_refused_413_as_json(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    member = demo["harbor.member1"]
    response = client.api(
        "POST",
        f"/api/v1/members/{member.id}/checkins",
        json={"note": "x" * (middleware.MAX_BODY_BYTES + 10)},
    )
    assert response.status_code == 413
    assert "nothing was saved" in response.json()["detail"]


def test_oversized_body_without_content_length_is_refused_413(
    client: Browser, demo: dict[str, User]
) -> None:
    """Chunked transfer: no Content-Length to trust, so the bytes are counted as they arrive."""
    client.login("harbor.member1")
    member = demo["harbor.member1"]
    token = client.csrf()

    def chunks() -> Iterator[bytes]:
        yield b'{"note": "'
        for _ in range(40):
            yield b"y" * 32 * 1024
        yield b'"}'

    response = client.post(
        f"/api/v1/members/{member.id}/checkins",
        content=chunks(),
        headers={"x-csrftoken": token, "content-type": "application/json"},
    )
    assert response.status_code == 413


def test_oversized_form_without_content_length_read_by_the_csrf_layer_is_413(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")

    def chunks() -> Iterator[bytes]:
        yield b"note="
        for _ in range(40):
            yield b"z" * 32 * 1024

    response = client.post(
        "/check-in",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert response.status_code == 413


def test_a_long_but_allowed_body_is_not_refused_for_size(
    client: Browser, demo: dict[str, User]
) -> None:
    """The limit is far above the longest field: a long note is a 422 field error, not 413."""
    client.login("harbor.member1")
    response = client.submit("/check-in", {"note": "é" * 50_000})
    assert response.status_code in (400, 422)


# ---- bytes that are not UTF-8 -------------------------------------------------------------


def test_invalid_utf8_in_a_form_body_is_4xx(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    token = client.csrf()
    for body in (
        f"csrftoken={token}&note=\xff\xfe".encode("latin-1"),
        f"csrftoken={token}&note=%ff%fe%c3".encode(),
        b"\xff\xfe\xfd=\x80",
    ):
        response = client.post(
            "/check-in",
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        assert response.status_code < 500, body
        # With the token in the header instead, the app itself parses the body.
        response = client.post(
            "/check-in",
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded", "x-csrftoken": token},
            follow_redirects=False,
        )
        assert response.status_code < 500, body


def test_invalid_utf8_in_a_json_body_is_4xx(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    member = demo["harbor.member1"]
    for body in (b'{"note": "\xff\xfe"}', b"\xff\xfe\x00{", b'{"note": "\xed\xa0\x80"}'):
        response = client.api(
            "POST",
            f"/api/v1/members/{member.id}/checkins",
            content=body,
            headers={"content-type": "application/json"},
        )
        assert 400 <= response.status_code < 500, (body, response.status_code)
        assert response.headers["content-type"].startswith("application/json")


def test_invalid_utf8_in_the_path_and_query_is_4xx(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    for url in ("/members/%ff%fe", "/journal?q=%ff%fe", "/login?next=%ff"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code < 500, url

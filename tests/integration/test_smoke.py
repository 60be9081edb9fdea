from tests.conftest import Browser


def test_login_lands_member_on_my_recovery(client: Browser, demo: dict) -> None:
    response = client.login("harbor.member1")
    assert response.headers["location"] == "/my-recovery"
    page = client.get("/my-recovery")
    assert page.status_code == 200
    assert "Jordan Reyes" in page.text

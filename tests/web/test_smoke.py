from tests.conftest import login


def test_home_public_lists_only_public_committees(client, world):
    page = client.get("/").get_data(as_text=True)
    assert "Access and Legal Rights" in page
    assert "Health and Wellbeing" not in page


def test_login_then_logout_revokes_session(client, world):
    login(client, world.representative)
    assert "Rita Rep" in client.get("/").get_data(as_text=True)
    with client.session_transaction() as sess:
        old = dict(sess)
    client.post_form("/logout")
    assert "Rita Rep" not in client.get("/").get_data(as_text=True)
    with client.session_transaction() as sess:  # replay the old cookie contents
        sess.update(old)
    assert "Rita Rep" not in client.get("/").get_data(as_text=True)


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}

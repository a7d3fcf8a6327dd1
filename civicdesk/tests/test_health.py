def test_health_is_ok_when_the_database_answers(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_the_home_page_invites_citizens_to_report(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/report/"' in response.content.decode()

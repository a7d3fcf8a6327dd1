def test_health_is_ok_when_the_database_answers(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_the_home_page_leads_to_the_admin(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"

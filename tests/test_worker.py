"""A real Celery worker on the real Redis broker."""



def test_healthz_is_ok_when_database_redis_and_a_worker_answer(client, running_worker):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {key: body[key] for key in ("database", "redis", "celery")} == {
        "database": "ok", "redis": "ok", "celery": "ok"}
    assert body["status"] == ("ok" if body.get("screening", "ok") == "ok" else "degraded")

"""The public query's limits: per address per minute, per ID across addresses, the captcha after failures, and
the audit row that never holds the ID in clear."""

import json

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import assert_error
from tests.factories import make_id
from tests.lookup.conftest import ask
from xueji.audit.models import AuditEvent
from xueji.lookup import captcha

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"


def test_the_21st_query_in_a_minute_from_one_address_is_429_and_reads_no_student(pupil):
    for _ in range(20):
        assert ask({"name": "王小明", "id_number": pupil.id_number}, address=ATTACKER).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        refused = ask({"name": "王小明", "id_number": pupil.id_number}, address=ATTACKER)
    body = assert_error(refused, 429, code="lookup_throttled")
    assert "每分钟最多20次" in body["errors"][0]["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert not any("students_student" in q["sql"] for q in captured.captured_queries)
    # Another family elsewhere is not held up.
    assert ask({"name": "王小明", "id_number": pupil.id_number}, address="198.51.100.20").status_code == 200


def test_refusals_beyond_the_limit_write_one_audit_row_per_minute(pupil, settings):
    settings.XUEJI_LOOKUP_PER_MINUTE = 2
    for _ in range(2):
        ask({"name": "王小明", "id_number": pupil.id_number}, address=ATTACKER)
    for _ in range(5):
        assert ask({"name": "王小明", "id_number": pupil.id_number}, address=ATTACKER).status_code == 429
    limited = AuditEvent.objects.filter(action="public.lookup", outcome="locked", source_ip=ATTACKER)
    assert limited.count() == 1 and limited.get().details["limit"] == "address"


def test_five_failures_lock_the_id_from_any_address(pupil):
    for n in range(5):
        assert ask({"name": "王大明", "id_number": pupil.id_number}, address=f"198.51.100.{n + 30}").status_code == 404
    # The right name from a fresh address now waits too; the ID is locked for everybody.
    locked = ask({"name": "王小明", "id_number": pupil.id_number}, address="192.0.2.1")
    assert_error(locked, 429, code="lookup_throttled")
    assert int(locked["Retry-After"]) > 3000
    # Other IDs are not affected.
    assert ask({"name": "王小明", "id_number": make_id(seq=90)}, address="192.0.2.1").status_code == 404


def test_an_unknown_id_locks_like_a_known_one(db):
    unknown = make_id(seq=91)
    for n in range(5):
        ask({"name": "某人", "id_number": unknown}, address=f"198.51.100.{n + 40}")
    assert ask({"name": "某人", "id_number": unknown}, address="192.0.2.2").status_code == 429


def _fail(times: int, address: str = ATTACKER) -> None:
    for seq in range(times):
        assert ask({"name": "某人", "id_number": make_id(seq=60 + seq)}, address=address).status_code == 404


@pytest.fixture
def known_question(monkeypatch):
    monkeypatch.setattr(captcha, "_question", lambda: ("7+5=", "12"))


def _captcha(address: str = ATTACKER) -> dict:
    response = Client().get("/api/v1/public/captcha", REMOTE_ADDR=address)
    assert response.status_code == 200
    return response.json()


def test_after_three_failures_a_captcha_is_required_and_a_right_answer_passes(pupil, known_question):
    _fail(3)
    required = ask({"name": "王小明", "id_number": pupil.id_number}, address=ATTACKER)
    assert_error(required, 429, code="captcha_required", field="captcha_answer")
    token = _captcha()["token"]
    solved = ask({"name": "王小明", "id_number": pupil.id_number, "captcha_token": token, "captcha_answer": "１２"},
                 address=ATTACKER)
    assert solved.status_code == 200, solved.content


def test_a_captcha_works_once_and_a_wrong_answer_uses_it_up(pupil, known_question):
    _fail(3)
    token = _captcha()["token"]
    body = {"name": "王小明", "id_number": pupil.id_number, "captcha_token": token, "captcha_answer": "12"}
    assert ask(body, address=ATTACKER).status_code == 200
    assert_error(ask(body, address=ATTACKER), 429, code="captcha_required")  # replayed
    wrong = _captcha()["token"]
    assert ask({**body, "captcha_token": wrong, "captcha_answer": "13"}, address=ATTACKER).status_code == 429
    assert ask({**body, "captcha_token": wrong, "captcha_answer": "12"}, address=ATTACKER).status_code == 429
    assert ask({**body, "captcha_token": token[:-2] + "xx"}, address=ATTACKER).status_code == 429  # forged


def test_the_captcha_is_an_image_without_its_answer(db, known_question):
    made = _captcha()
    assert made["image"].startswith("data:image/svg+xml;base64,")
    # The token carries a nonce and a keyed hash of the answer, never the answer or the question.
    data = signing.loads(made["token"], salt=captcha.SALT)
    assert set(data) == {"n", "h"} and len(data["h"]) == 64
    svg = captcha.render("7+5=")
    assert svg.startswith("<svg") and "<text" not in svg and "7+5" not in svg


def test_the_audit_row_holds_a_keyed_hash_never_the_id(pupil, settings):
    ask({"name": "王小明", "id_number": pupil.id_number}, address="198.51.100.50")
    ask({"name": "王小红", "id_number": pupil.id_number}, address="198.51.100.51")
    rows = list(AuditEvent.objects.filter(action="public.lookup").order_by("id"))
    assert [r.outcome for r in rows] == ["ok", "failed"]
    assert [r.source_ip for r in rows] == ["198.51.100.50", "198.51.100.51"]
    assert rows[0].object_id == rows[1].object_id and len(rows[0].object_id) == 40  # the same ID, matched
    assert rows[0].details["result"] == "found" and rows[1].details["result"] == "not_found"
    for row in rows:
        stored = json.dumps([row.object_id, row.details, row.reason, row.object_type], ensure_ascii=False)
        assert pupil.id_number not in stored and pupil.id_number[-8:] not in stored
    settings.XUEJI_AUDIT_KEY = "another-key-another-hash-of-the-same-id"
    ask({"name": "王小明", "id_number": pupil.id_number}, address="198.51.100.52")
    assert AuditEvent.objects.filter(action="public.lookup").order_by("-id").first().object_id != rows[0].object_id


def test_the_address_is_the_one_a_trusted_proxy_vouches_for(pupil, settings):
    settings.XUEJI_TRUSTED_PROXIES = ["10.0.0.1"]
    settings.XUEJI_LOOKUP_PER_MINUTE = 1
    body = {"name": "王小明", "id_number": pupil.id_number}

    def via(remote, forwarded):
        return Client().post("/api/v1/public/lookup", json.dumps(body), content_type="application/json",
                             REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code

    # Two families behind the province's proxy are two addresses.
    assert via("10.0.0.1", "198.51.100.101") == 200 and via("10.0.0.1", "198.51.100.102") == 200
    # A client that forges the header itself is counted by its own connection.
    assert via("203.0.113.200", "198.51.100.103") == 200 and via("203.0.113.200", "198.51.100.104") == 429

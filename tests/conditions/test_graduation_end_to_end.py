"""The recorded conditions decide graduation through the check registered at start-up (no fake): a 高三 student
with 140 credits is refused with 第三十五条; with 144 and the rest met he is proposed, approved by his school and
the city, and graduates at the city's sealing with a city-numbered certificate (第三十四–三十六条)."""

import pytest

from tests.conditions.conftest import full
from xueji.certificates.models import Certificate
from xueji.graduation import services as graduation

pytestmark = pytest.mark.django_db


def _propose(world, client, senior):
    return client.post("/api/v1/applications", {"type": "graduation", "school": world.high.pk,
                                                 "students": [senior.student_number]},
                       content_type="application/json")


def test_recorded_conditions_gate_graduation_end_to_end(world, senior, leader_high, api_for):
    client = api_for(world.registrar_high)
    url = f"/api/v1/students/{senior.student_number}/graduation-conditions"
    client.put(url, full(credits_compulsory=112), content_type="application/json")
    refused = _propose(world, client, senior)
    assert refused.status_code == 422
    assert {e["article"] for e in refused.json()["errors"]} == {"第三十五条"}
    assert any("140/144" in e["message"] for e in refused.json()["errors"])

    client.put(url, full(), content_type="application/json")
    proposed = _propose(world, client, senior)
    assert proposed.status_code == 201, proposed.content.decode()
    batch = proposed.json()["id"]
    graduation.decide(leader_high, batch, approve=True)
    graduation.decide(world.city_ty, batch, approve=True)
    graduation.seal(world.city_ty)
    senior.refresh_from_db()
    assert senior.status == "毕业"
    certificate = Certificate.objects.get(student=senior, kind="毕业")
    assert certificate.numbered_by_id == "140100" and certificate.sealed_on is not None
    listed = client.get(f"/api/v1/students/{senior.student_number}/certificates").json()
    assert [(c["kind"], c["number"]) for c in listed] == [("毕业", certificate.number)]

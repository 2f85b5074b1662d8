"""A student's timeline: status events, applications with each step's decision, enrolments and numbers, in time
order, on one page and one endpoint, read through find_student (audited; outsiders 404)."""

import datetime
import json

import pytest

from tests.changes_ui.conftest import TODAY, proof, walk
from tests.web.conftest import text
from xueji.applications import services
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id
from xueji.students.models import StatusEvent, StudentNumber

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world, make_student):
    """A pupil registered (number issued), then suspended through both approvals with comments, then a
    rejected resumption."""
    student = make_student(name="周时线", grade=3)
    registration = services.submit(world.registrar_a, "registration", student)
    walk(registration, world.leader_a, world.county_xd)
    student.refresh_from_db()
    end = TODAY + datetime.timedelta(days=200)
    suspension = services.submit(world.registrar_a, "suspension", student,
                                 {"reason": "illness", "start": TODAY.isoformat(), "end": end.isoformat(),
                                  "hours_needed": 200, "term_hours": 500},
                                 evidence=[proof("suspension_form"), proof("medical_county")])
    services.approve(world.leader_a, suspension.pk, comment="情况属实")
    services.approve(world.county_xd, suspension.pk, comment="同意休学")
    resumption = services.submit(world.registrar_a, "resumption", student, {"grade": 3})
    services.reject(world.leader_a, resumption.pk, comment="家长尚未提交复学申请")
    student.refresh_from_db()
    return student, registration, suspension, resumption


def test_timeline_endpoint_lists_everything_in_order(world, api_for, history):
    student, registration, suspension, resumption = history
    response = api_for(world.county_xd).get(f"/api/v1/students/{student.student_number}/timeline")
    assert response.status_code == 200
    entries = response.json()
    kinds = [e["kind"] for e in entries]
    assert kinds[0] == "enrolment_start"
    assert "number_issued" in kinds
    # Each decision appears with who decided, when, and the comment, after its application was filed.
    decisions = [(e["application"]["id"], e["step"]["order"], e["actor"], e["note"])
                 for e in entries if e["kind"] == "decision"]
    assert decisions == [
        (registration.pk, 1, world.leader_a.username, ""), (registration.pk, 2, world.county_xd.username, ""),
        (suspension.pk, 1, world.leader_a.username, "情况属实"),
        (suspension.pk, 2, world.county_xd.username, "同意休学"),
        (resumption.pk, 1, world.leader_a.username, "家长尚未提交复学申请"),
    ]
    order = [(e["kind"], (e["application"] or {}).get("id")) for e in entries]
    assert order.index(("application", suspension.pk)) < order.index(("decision", suspension.pk))
    suspended = next(i for i, e in enumerate(entries) if e["kind"] == "status_event" and e["to_status"] == "休学")
    last_suspension_decision = max(i for i, e in enumerate(entries)
                                   if e["kind"] == "decision" and e["application"]["id"] == suspension.pk)
    assert suspended > order.index(("application", suspension.pk))
    assert abs(suspended - last_suspension_decision) <= 1  # applied in the approving transaction
    times = [e["at"] for e in entries if e["at"]]
    assert times == sorted(times)
    filed = next(e for e in entries if e["kind"] == "application" and e["application"]["id"] == resumption.pk)
    assert [s["status"] for s in filed["application"]["steps"]] == ["rejected", "cancelled"]
    assert filed["application"]["link"] is True
    # Logged under the record id (a G number is the ID itself); the number shows nowhere in full.
    assert AuditEvent.objects.filter(actor=world.county_xd, action="student.timeline",
                                     object_id=str(student.pk)).exists()
    assert student.student_number not in json.dumps(entries)


def test_timeline_masks_id_numbers_in_recorded_changes(world, api_for, history):
    student = history[0]
    StatusEvent.objects.create(student=student, kind="学籍信息变更", from_status="在籍", to_status="在籍",
                               school=student.school, actor=world.registrar_a,
                               changes={"id_number": ["140105201001011234", "140105201001015678"]})
    entries = api_for(world.registrar_a).get(f"/api/v1/students/{student.student_number}/timeline").json()
    changed = next(e for e in entries if e["title"] == "学籍信息变更")
    assert "140105201001015678" not in str(changed) and changed["changes"]["id_number"][1].endswith("5678")


def test_timeline_page_shows_the_same_in_order(world, client_for, history):
    student, registration, suspension, _ = history
    response = client_for(world.registrar_a).get(f"/students/{student.key}/timeline/")
    assert response.status_code == 200
    body = text(response)
    assert body.index("发起休学申请") < body.index("情况属实") < body.index("同意休学") < body.index("家长尚未提交复学申请")
    assert f"/applications/{suspension.pk}/" in body
    number = StudentNumber.objects.get(student=student).number
    assert number not in body and "G" + mask_id(number[1:]) in body and "进入" in body
    assert "休学结束日期" in body and "suspended_until" not in body  # recorded changes in words
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="student.timeline").exists()


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "city_dt", "auditor"])
def test_outsiders_get_404_and_the_attempt_is_logged(world, api_for, client_for, history, who):
    student = history[0]
    user = getattr(world, who)
    assert api_for(user).get(f"/api/v1/students/{student.student_number}/timeline").status_code == 404
    assert client_for(user).get(f"/students/{student.key}/timeline/").status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="student.timeline", outcome="denied").exists()

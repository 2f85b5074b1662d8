"""GET/PUT /api/v1/students/{key}/graduation-conditions: recording, versions, 补考, discipline, jurisdiction."""

import datetime

import pytest

from tests.conditions.conftest import YEAR, full
from xueji.audit.models import AuditEvent
from xueji.conditions.models import ConditionRecord, ExamSitting

pytestmark = pytest.mark.django_db


def put(client, url, body):
    return client.put(url, body, content_type="application/json")


def url_of(student):
    return f"/api/v1/students/{student.student_number}/graduation-conditions"


def test_144_credits_and_the_rest_met_graduates_140_is_refused(world, senior, api_for):
    client = api_for(world.registrar_high)
    short = put(client, url_of(senior), full(credits_compulsory=112))
    assert short.status_code == 200 and short.json()["met"] is False
    unmet = short.json()["unmet"]
    assert {e["code"] for e in unmet} == {"credits_total_short", "credits_compulsory_short"}
    assert {e["article"] for e in unmet} == {"第三十五条"} and "140/144" in unmet[0]["message"]
    done = put(client, url_of(senior), full())
    assert done.json()["met"] is True and done.json()["unmet"] == []
    assert done.json()["summary"]["credits_total"] == 144


def test_a_correction_is_a_new_version_and_the_audit_holds_before_and_after(world, senior, api_for):
    client = api_for(world.registrar_high)
    put(client, url_of(senior), full(credits_compulsory=110))
    put(client, url_of(senior), full())
    versions = list(ConditionRecord.objects.filter(student=senior).order_by("version")
                    .values_list("version", "current", "credits_compulsory"))
    assert versions == [(1, False, 110), (2, True, 116)]
    event = AuditEvent.objects.filter(action="graduation_conditions.save").order_by("-pk").first()
    assert event.details["before"]["credits_compulsory"] == 110 and event.details["after"]["credits_compulsory"] == 116
    again = put(client, url_of(senior), full())  # the same body again changes nothing
    assert again.status_code == 200 and ConditionRecord.objects.filter(student=senior).count() == 2


def test_a_retake_is_kept_beside_the_failed_sitting_and_the_best_counts(world, senior, api_for):
    client = api_for(world.registrar_high)
    body = full()
    body["exams"] = [e | {"grade": "D"} if e["subject"] == "物理" else e for e in body["exams"]]
    failed = put(client, url_of(senior), body).json()
    assert [e["field"] for e in failed["unmet"]] == ["exams.物理"] and failed["unmet"][0]["article"] == "第三十五条"
    retake = put(client, url_of(senior), full(exams=[{"subject": "物理", "grade": "B", "attempt": 2}])).json()
    assert retake["met"] is True and retake["summary"]["best_grades"]["物理"] == "B"
    physics = [(e["attempt"], e["grade"], e["retake"]) for e in retake["exams"] if e["subject"] == "物理"]
    assert physics == [(1, "D", False), (2, "B", True)]


def test_a_mistyped_grade_is_corrected_beside_the_old_row(world, senior, api_for):
    client = api_for(world.registrar_high)
    put(client, url_of(senior), full(exams=[{"subject": "语文", "grade": "E"}]))
    put(client, url_of(senior), full(exams=[{"subject": "语文", "grade": "A"}]))
    rows = list(ExamSitting.objects.filter(student=senior, subject="语文").order_by("pk").values_list("grade", "current"))
    assert rows == [("E", False), ("A", True)]


def test_revoked_discipline_does_not_block_one_in_force_does(world, senior, api_for):
    from xueji.archive.services import record_discipline, revoke_discipline

    client = api_for(world.registrar_high)
    put(client, url_of(senior), full())
    item = record_discipline(world.registrar_high, senior, level="警告", reason="旷课三天",
                             decided_on=datetime.date.today())
    blocked = client.get(url_of(senior)).json()
    assert [e["code"] for e in blocked["unmet"]] == ["discipline_in_force"]
    assert blocked["unmet"][0]["article"] == "第三十五条"
    revoke_discipline(world.registrar_high, item.pk, reason="表现良好,予以撤销")
    assert client.get(url_of(senior)).json()["met"] is True


def test_every_bad_field_is_reported_at_once_and_nothing_written(world, senior, api_for):
    body = full(quality_result="优", credits_compulsory="一百", credits_elective_2=-1, fitness_met="也许",
                exams=[{"subject": "体育", "grade": "B"}, {"subject": "物理", "grade": "F"}])
    response = put(api_for(world.registrar_high), url_of(senior), body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"quality_result", "credits_compulsory", "credits_elective_2", "fitness_met",
                      "exams[1].subject", "exams[2].grade"}
    assert not ConditionRecord.objects.exists() and not ExamSitting.objects.exists()


def test_primary_pupils_are_refused(world, pupil, api_for):
    response = put(api_for(world.registrar_a), url_of(pupil), full())
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "conditions_senior_only"
    assert response.json()["errors"][0]["article"] == "第三十五条"
    read = api_for(world.county_xd).get(url_of(pupil))
    assert read.status_code == 404  # the county reads the pupil's record, but no high-school conditions
    read = api_for(world.registrar_a).get(url_of(pupil))
    assert read.status_code == 422 and read.json()["errors"][0]["code"] == "conditions_senior_only"


def test_who_reads_and_who_writes(world, senior, api_for, leader_high):
    url = url_of(senior)
    assert put(api_for(leader_high), url, full()).status_code == 200
    for reader in (world.registrar_high, world.city_ty, world.province_officer):
        assert api_for(reader).get(url).status_code == 200
    for outsider in (world.city_dt, world.county_xd, world.registrar_a, world.auditor):
        assert api_for(outsider).get(url).status_code == 404
    assert put(api_for(world.city_ty), url, full()).status_code == 403
    assert put(api_for(world.registrar_b), url, full()).status_code == 404
    assert put(api_for(world.county_yz), url, full()).status_code == 404
    assert ConditionRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="student.graduation_conditions", actor=world.city_ty).exists()


def test_year_filter(world, senior, api_for):
    client = api_for(world.registrar_high)
    put(client, url_of(senior), full(school_year=YEAR - 1, credits_compulsory=58))
    put(client, url_of(senior), full(credits_compulsory=58))
    assert client.get(url_of(senior)).json()["summary"]["credits_compulsory"] == 116
    earlier = client.get(url_of(senior) + f"?school_year={YEAR - 1}").json()
    assert earlier["summary"]["credits_compulsory"] == 58


def test_the_answer_masks_the_g_number(world, senior, api_for):
    """A G number is the ID number with a letter in front (第十一条): the answer masks it (第四十四条)."""
    from xueji.core.masking import mask_student_number

    body = api_for(world.registrar_high).get(url_of(senior))
    assert body.status_code == 200 and senior.student_number.startswith("G")
    assert body.json()["student_number"] == mask_student_number(senior.student_number)
    assert senior.student_number not in body.content.decode() and senior.id_number not in body.content.decode()

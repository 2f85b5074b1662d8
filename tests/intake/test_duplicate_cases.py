"""A suspected duplicate waits for the authority (第十四条): its registration is neither started nor numbered while
the case is open; the decision is chosen on purpose (no preselection), confirmed, and carries the officer's
grounds; both full ID numbers may be compared with a reason, audited per record (第四十四条)."""

import re
from datetime import date

import pytest

from tests import factories as f
from tests.intake.conftest import pupil, upload_file, xlsx_bytes
from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.audit.models import AuditEvent
from xueji.core.errors import RuleViolation
from xueji.intake import services
from xueji.intake.importer import swapped_ids
from xueji.intake.models import DuplicateCase
from xueji.students.models import Student

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _import(world, rows, *, submit=False, actor=None, school=None):
    actor, school = actor or world.registrar_a, school or world.school_a
    return services.import_file(actor, school, upload_file(xlsx_bytes(rows)), commit="valid_only",
                                submit_registration=submit)


@pytest.fixture
def case(world, make_student):
    """A homophone of a 迎泽区 pupil imported by a 小店区 school: 小店区 decides."""
    make_student(school=world.school_b, name="王小明", birth=date(2019, 7, 7), gender="1",
                 id_number=f.make_id(birth=date(2019, 7, 7), gender="1", seq=91))
    _import(world, [pupil(9, name="王晓明", birth=date(2019, 7, 7), gender="1")])
    return DuplicateCase.objects.get()


@pytest.fixture
def twin_case(world, make_student):
    """Two ID numbers with two characters swapped (a typo the check character cannot catch)."""
    original = next(n for s in range(100) if swapped_ids(n := f.make_id(birth=date(2019, 8, 8), seq=s)))
    make_student(school=world.school_b, id_number=original, birth=date(2019, 8, 8), name="周甲")
    twin = swapped_ids(original)[0]
    row = pupil(1, id_number=twin, birth=date(int(twin[6:10]), int(twin[10:12]), int(twin[12:14])), name="吴乙",
                gender="1" if int(twin[16]) % 2 else "2")
    _import(world, [row])
    return DuplicateCase.objects.get()


def _decide_api(client, case, **body):
    return client.post(f"{API}/duplicates/{case.pk}/decide", body, content_type="application/json")


# ------------------------------------------------------------------------------ registration is held


def test_registration_of_a_record_in_an_open_case_is_refused_naming_the_case(world, case, api_for):
    client = api_for(world.registrar_a)
    response = client.post(f"{API}/applications", {"type": "registration", "student": case.student.key},
                           content_type="application/json")
    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert (error["code"], error["article"]) == ("duplicate_case_open", "第十四条")
    assert f"疑似重复#{case.pk}" in error["message"] and "小店区" in error["message"]
    assert not Application.objects.filter(student=case.student).exists()
    # Once the authority finds two people, the registration goes ahead.
    services.decide_case(world.county_xd, case.pk, "keep_both", "户口簿核实,不是同一人")
    response = client.post(f"{API}/applications", {"type": "registration", "student": case.student.key},
                           content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_number_is_not_issued_while_a_case_opened_after_submission_is_open(world, make_student, api_for):
    pending = make_student(name="李小红", birth=date(2019, 5, 5), gender="2",
                           id_number=f.make_id(birth=date(2019, 5, 5), gender="2", seq=71))
    app = applications.submit(world.registrar_a, "registration", pending)
    applications.approve(world.leader_a, app.pk)
    # Another county's school imports a homophone of the pending pupil: the case holds both records.
    _import(world, [pupil(3, name="李晓红", birth=date(2019, 5, 5), gender="2")], actor=world.registrar_b,
            school=world.school_b)
    case = DuplicateCase.objects.get()
    assert case.existing_id == pending.pk
    response = api_for(world.county_xd).post(f"{API}/applications/{app.pk}/approve", {"comment": "同意"},
                                             content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["code"] == "duplicate_case_open"
    pending.refresh_from_db()
    assert (pending.status, pending.student_number) == ("待注册", None)
    services.decide_case(world.county_yz, case.pk, "keep_both", "核实为两名学生")
    response = api_for(world.county_xd).post(f"{API}/applications/{app.pk}/approve", {"comment": "同意"},
                                             content_type="application/json")
    assert response.status_code == 200, response.content
    pending.refresh_from_db()
    assert pending.status == "在籍" and pending.student_number


def test_no_step_of_a_registration_is_approved_while_the_case_is_open(world, make_student, api_for):
    pending = make_student(name="李小红", birth=date(2019, 5, 5), gender="2",
                           id_number=f.make_id(birth=date(2019, 5, 5), gender="2", seq=71))
    app = applications.submit(world.registrar_a, "registration", pending)
    _import(world, [pupil(3, name="李晓红", birth=date(2019, 5, 5), gender="2")], actor=world.registrar_b,
            school=world.school_b)
    case = DuplicateCase.objects.get()
    response = api_for(world.leader_a).post(f"{API}/applications/{app.pk}/approve", {"comment": "同意"},
                                            content_type="application/json")
    assert response.status_code == 422, response.content
    assert f"疑似重复#{case.pk}" in response.json()["errors"][0]["message"]
    assert app.steps.get(order=1).status == "pending"
    services.decide_case(world.county_yz, case.pk, "keep_both", "核实为两名学生")
    applications.approve(world.leader_a, app.pk)
    assert app.steps.get(order=1).status == "approved"


def test_an_import_files_registrations_only_for_rows_without_a_case(world, make_student):
    make_student(school=world.school_b, name="王小明", birth=date(2019, 7, 7), gender="1",
                 id_number=f.make_id(birth=date(2019, 7, 7), gender="1", seq=91))
    batch = _import(world, [pupil(9, name="王晓明", birth=date(2019, 7, 7), gender="1"), pupil(2)], submit=True)
    assert batch.status == "committed" and batch.applications_submitted == 1
    assert "1人疑似重复,待主管部门认定后再提交注册" in batch.message
    suspect = DuplicateCase.objects.get().student
    assert not Application.objects.filter(student=suspect).exists()
    assert Application.objects.filter(student__name=pupil(2)["姓名"], type="registration").count() == 1


# ------------------------------------------------------------------------------ the decision


def test_a_decision_needs_its_grounds_in_the_service_and_the_api(world, case, api_for):
    with pytest.raises(RuleViolation) as caught:
        services.decide_case(world.county_xd, case.pk, "keep_both", "  ")
    assert caught.value.violations[0].code == "comment_required"
    client = api_for(world.county_xd)
    response = _decide_api(client, case, decision="keep_both")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["code"], error["field"], error["article"]) == ("comment_required", "comment", "第十四条")
    assert DuplicateCase.objects.get().status == "open"
    assert _decide_api(client, case, decision="keep_both", comment="核实户口簿").status_code == 200
    assert DuplicateCase.objects.get().status == "kept_both"


def test_the_page_chooses_nothing_in_advance_and_asks_for_confirmation(world, case, client_for):
    client = client_for(world.county_xd)
    page = client.get(f"/duplicates/{case.pk}/").content.decode()
    radios = re.findall(r'<input type="radio" name="decision"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in r for r in radios)
    # No choice, or no grounds: refused on the page, nothing decided.
    assert client.post(f"/duplicates/{case.pk}/decide", {"comment": "核实"}).status_code == 422
    response = client.post(f"/duplicates/{case.pk}/decide", {"decision": "merge"})
    assert response.status_code == 422 and "请填写处理意见" in response.content.decode()
    # The first submission only shows the choice back.
    response = client.post(f"/duplicates/{case.pk}/decide", {"decision": "merge", "comment": "同一人"})
    assert response.status_code == 200 and "确认提交认定" in response.content.decode()
    assert 'name="confirm" value="1"' in response.content.decode()
    assert DuplicateCase.objects.get().status == "open"
    assert Student.objects.get(pk=case.student_id).status == "待注册"
    response = client.post(f"/duplicates/{case.pk}/decide", {"decision": "merge", "comment": "同一人", "confirm": "1"})
    assert response.status_code == 302
    assert DuplicateCase.objects.get().status == "merged"


def test_an_outsider_cannot_decide_or_confirm(world, case, client_for, api_for):
    outsider = client_for(world.county_yz)
    body = {"decision": "keep_both", "comment": "核实", "confirm": "1"}
    assert outsider.post(f"/duplicates/{case.pk}/decide", body).status_code == 404
    assert _decide_api(api_for(world.county_yz), case, decision="keep_both", comment="核实").status_code == 404
    assert DuplicateCase.objects.get().status == "open"


# ------------------------------------------------------------------------------ revealing both ID numbers


def test_the_officer_reveals_both_numbers_with_a_reason_and_sees_the_swapped_digits(world, twin_case, api_for):
    client = api_for(world.county_xd)
    response = client.post(f"{API}/duplicates/{twin_case.pk}/reveal-ids", {"reason": "核对互换的数字"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    first, second = twin_case.student.id_number, twin_case.existing.id_number
    assert (body["student"], body["existing"]) == (first, second)
    assert len(body["differing"]) == 2 and all(first[i] != second[i] for i in body["differing"])
    audits = AuditEvent.objects.filter(action="student.unmask_id", actor=world.county_xd)
    assert sorted(int(a.object_id) for a in audits) == sorted([twin_case.student_id, twin_case.existing_id])
    assert all(a.reason == "核对互换的数字" and a.details["case"] == twin_case.pk for a in audits)


def test_revealing_without_a_reason_is_refused_and_not_audited(world, twin_case, api_for):
    response = api_for(world.county_xd).post(f"{API}/duplicates/{twin_case.pk}/reveal-ids", {"reason": " "},
                                             content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["article"] == "第四十四条"
    assert not AuditEvent.objects.filter(action="student.unmask_id").exists()
    assert twin_case.existing.id_number not in response.content.decode()


def test_outsiders_cannot_reveal(world, twin_case, api_for, client_for):
    body = {"reason": "核对"}
    assert api_for(world.county_yz).post(f"{API}/duplicates/{twin_case.pk}/reveal-ids", body,
                                         content_type="application/json").status_code == 404
    assert api_for(world.registrar_a).post(f"{API}/duplicates/{twin_case.pk}/reveal-ids", body,
                                           content_type="application/json").status_code == 403
    response = client_for(world.county_yz).post(f"/duplicates/{twin_case.pk}/reveal", body)
    assert response.status_code == 404
    assert twin_case.existing.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="student.unmask_id").exists()


def test_the_page_reveals_both_numbers_and_marks_the_differing_digits(world, twin_case, client_for):
    client = client_for(world.county_xd)
    page = client.get(f"/duplicates/{twin_case.pk}/").content.decode()
    assert twin_case.existing.id_number not in page and "显示两条学籍的完整身份证件号" in page
    assert client.post(f"/duplicates/{twin_case.pk}/reveal", {"reason": ""}).status_code == 422
    response = client.post(f"/duplicates/{twin_case.pk}/reveal", {"reason": "核对互换的数字"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count("<mark>") == 4
    plain = re.sub(r"</?mark>", "", page)
    assert twin_case.student.id_number in plain and twin_case.existing.id_number in plain
    assert AuditEvent.objects.filter(action="student.unmask_id", reason="核对互换的数字").count() == 2


def test_a_merge_ends_the_merged_records_applications_for_whoever_waits_on_them(world, case):
    """The merge cancels the record's pending applications in one write and tells the engine's decided hook, so
    a promotion hold (第十六条) waiting on them is released, not left open; the record is 注销, so not promoted."""
    from xueji.schoolyear.models import Hold

    app = Application.objects.create(type="info_change", student_id=case.student_id, school=world.school_a,
                                     created_by=world.registrar_a)
    hold = Hold.objects.create(student_id=case.student_id, school_year=2099, grade=1)
    services.decide_case(world.county_xd, case.pk, "merge", "核实为同一人")
    app.refresh_from_db()
    hold.refresh_from_db()
    assert app.status == "cancelled" and hold.released_at is not None and hold.promoted is False

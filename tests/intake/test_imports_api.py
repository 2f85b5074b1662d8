"""/api/v1/imports and /api/v1/duplicates: the contract, and an outsider refused on every endpoint."""

from datetime import date

import pytest

from tests.factories import make_id
from tests.intake.conftest import csv_bytes, pupil, upload_file, xlsx_bytes
from xueji.audit.models import AuditEvent
from xueji.intake.models import DuplicateCase, ImportBatch
from xueji.students.models import Student

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post_file(client, content, *, school="1114010501", name="新生.xlsx", **form):
    return client.post(f"{API}/imports", {"file": upload_file(content, name), "school": school, **form})


def assert_refused(response, status):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["detail"] and body["errors"] and set(body["errors"][0]) == {"code", "article", "field", "message"}


def test_post_checks_the_file_and_lists_every_error(world, api_for):
    client = api_for(world.registrar_a)
    response = post_file(client, xlsx_bytes([pupil(1), pupil(2, ethnicity="77")]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows_total"], body["rows_ok"]) == ("validated", 2, 1)
    assert body["errors"] == [{"row": 3, "column": "民族", "field": "ethnicity", "code": "invalid_code",
                               "article": None, "message": body["errors"][0]["message"]}]
    assert "民族" in body["errors"][0]["message"]
    assert not Student.objects.filter(school=world.school_a).exists()
    assert client.get(f"{API}/imports/{body['id']}").json()["rows_ok"] == 1


def test_post_with_commit_writes_the_good_rows_in_one_call(world, api_for):
    client = api_for(world.registrar_a)
    response = post_file(client, csv_bytes([pupil(1), pupil(2, ethnicity="77")], encoding="gb18030"),
                         name="新生.csv", commit="valid_only", submit_registration="true")
    body = response.json()
    assert response.status_code == 201 and body["status"] == "committed", body
    assert (body["rows_new"], body["skipped_rows"], body["applications_submitted"]) == (1, [3], 1)
    assert Student.objects.filter(school=world.school_a).count() == 1


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(world, api_for):
    client = api_for(world.registrar_a)
    body = post_file(client, xlsx_bytes([pupil(1), pupil(2, ethnicity="77")]), commit="all_or_nothing").json()
    assert body["status"] == "validated" and body["rows_ok"] == 1
    assert not Student.objects.filter(school=world.school_a).exists()
    response = client.post(f"{API}/imports/{body['id']}/commit", {"mode": "all_or_nothing"},
                           content_type="application/json")
    assert_refused(response, 422)
    assert any("第3行「民族」" in e["message"] for e in response.json()["errors"])
    response = client.post(f"{API}/imports/{body['id']}/commit", {"mode": "valid_only"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "committed"
    assert Student.objects.filter(school=world.school_a).count() == 1


def test_the_same_file_twice_answers_409_and_writes_nothing(world, api_for):
    client = api_for(world.registrar_a)
    content = xlsx_bytes([pupil(1)])
    assert post_file(client, content, commit="valid_only").json()["status"] == "committed"
    response = post_file(client, content, commit="valid_only")
    assert_refused(response, 409)
    assert response.json()["errors"][0]["code"] == "already_imported"
    assert ImportBatch.objects.count() == 1 and Student.objects.count() == 1


def test_bad_input_is_400_or_422_never_500(world, api_for):
    client = api_for(world.registrar_a)
    assert_refused(client.post(f"{API}/imports", {"school": "1114010501"}), 400)
    assert_refused(post_file(client, b"", name="empty.xlsx"), 422)
    response = post_file(client, b"PK\x03\x04 not really a zip", name="broken.xlsx")
    assert response.status_code == 201 and response.json()["status"] == "failed"
    assert_refused(post_file(client, b"hello", name="notes.docx"), 422)
    assert_refused(post_file(client, xlsx_bytes([pupil(1)]), commit="sometimes"), 400)


def test_template_downloads_as_xlsx_with_text_id_columns(world, api_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = api_for(world.registrar_a).get(f"{API}/imports/template")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    sheet = book["学生信息"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["姓名", "性别", "出生日期"] and "成员2职务" in header and len(header) == 73
    id_column = header.index("身份证件号") + 1
    assert sheet.cell(row=2, column=id_column).number_format == "@"
    assert sheet.cell(row=1, column=id_column).comment is not None
    assert "代码表" in book.sheetnames


def test_the_template_imports_as_it_comes(world, api_for):
    """The downloaded template, filled in and sent back, reads without header errors."""
    from io import BytesIO

    from openpyxl import load_workbook

    client = api_for(world.registrar_a)
    book = load_workbook(BytesIO(client.get(f"{API}/imports/template").content))
    sheet = book["学生信息"]
    header = [c.value for c in sheet[1]]
    row = pupil(1)
    for column, label in enumerate(header, start=1):
        sheet.cell(row=2, column=column, value=row.get(label))
    buffer = BytesIO()
    book.save(buffer)
    body = post_file(client, buffer.getvalue(), commit="valid_only").json()
    assert body["status"] == "committed" and body["rows_new"] == 1, body


# ------------------------------------------------------------------------------ who may


def test_outsiders_are_refused_on_every_import_endpoint(world, api_for):
    batch_id = post_file(api_for(world.registrar_a), xlsx_bytes([pupil(1)])).json()["id"]
    content = xlsx_bytes([pupil(2)])
    outsider = api_for(world.registrar_b)
    assert_refused(post_file(outsider, content), 404)
    assert_refused(outsider.get(f"{API}/imports/{batch_id}"), 404)
    assert_refused(outsider.post(f"{API}/imports/{batch_id}/commit", {}, content_type="application/json"), 404)
    assert outsider.get(f"{API}/imports").json() == []
    assert_refused(api_for(world.county_yz).get(f"{API}/imports/{batch_id}"), 404)
    assert_refused(api_for(world.auditor).get(f"{API}/imports/{batch_id}"), 404)
    leader = api_for(world.leader_a)
    assert_refused(post_file(leader, content), 403)
    assert leader.get(f"{API}/imports/{batch_id}").status_code == 200
    assert_refused(leader.post(f"{API}/imports/{batch_id}/commit", {}, content_type="application/json"), 403)
    assert_refused(post_file(api_for(world.county_xd), content), 403)
    assert AuditEvent.objects.filter(actor=world.registrar_b, outcome="denied").exists()
    assert not Student.objects.exists()


def test_unauthenticated_calls_are_401(client):
    assert client.get(f"{API}/imports/template").status_code == 401
    assert client.post(f"{API}/imports", {}).status_code == 401
    assert client.get(f"{API}/duplicates").status_code == 401


# ------------------------------------------------------------------------------ duplicates


@pytest.fixture
def case(world, make_student, api_for):
    make_student(school=world.school_b, name="王小明", birth=date(2019, 7, 7), gender="1",
                 id_number=make_id(birth=date(2019, 7, 7), gender="1", seq=91))
    row = pupil(9, name="王晓明", birth=date(2019, 7, 7), gender="1")
    post_file(api_for(world.registrar_a), xlsx_bytes([row]), commit="valid_only")
    return DuplicateCase.objects.get()


def test_the_county_lists_and_reads_its_cases_without_the_other_school(world, api_for, case):
    client = api_for(world.county_xd)
    [listed] = client.get(f"{API}/duplicates", {"status": "open"}).json()
    assert listed["id"] == case.pk and listed["reasons"] == ["pinyin"] and listed["authority"] == "140105"
    assert listed["student"]["visible"] and listed["student"]["name"] == "王晓明"
    existing = listed["existing"]
    assert existing["school"] == "省内其他学校" and existing["key"] is None and not existing["visible"]
    assert "*" in existing["id_number"]
    assert client.get(f"{API}/duplicates/{case.pk}").json()["id"] == case.pk


@pytest.mark.parametrize("decision, status", [("keep_both", "kept_both"), ("merge", "merged")])
def test_the_county_decides(world, api_for, case, decision, status):
    response = api_for(world.county_xd).post(f"{API}/duplicates/{case.pk}/decide",
                                             {"decision": decision, "comment": "已核实户口簿"},
                                             content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == status and response.json()["comment"] == "已核实户口簿"
    assert Student.objects.get(pk=case.student_id).status == ("注销" if decision == "merge" else "待注册")
    assert AuditEvent.objects.filter(action="duplicate.decide", actor=world.county_xd).count() == 1
    again = api_for(world.county_xd).post(f"{API}/duplicates/{case.pk}/decide", {"decision": "merge"},
                                          content_type="application/json")
    assert_refused(again, 409)


def test_outsiders_are_refused_on_every_duplicate_endpoint(world, api_for, case):
    outsider = api_for(world.county_yz)
    assert outsider.get(f"{API}/duplicates").json() == []
    assert_refused(outsider.get(f"{API}/duplicates/{case.pk}"), 404)
    assert_refused(outsider.post(f"{API}/duplicates/{case.pk}/decide", {"decision": "merge"},
                                 content_type="application/json"), 404)
    assert_refused(api_for(world.city_dt).get(f"{API}/duplicates/{case.pk}"), 404)
    for user in (world.registrar_a, world.leader_a, world.auditor):
        client = api_for(user)
        assert_refused(client.get(f"{API}/duplicates"), 403)
        assert_refused(client.get(f"{API}/duplicates/{case.pk}"), 403)
        assert_refused(client.post(f"{API}/duplicates/{case.pk}/decide", {"decision": "merge"},
                                   content_type="application/json"), 403)
    city = api_for(world.city_ty)
    assert city.get(f"{API}/duplicates/{case.pk}").status_code == 200
    assert_refused(city.post(f"{API}/duplicates/{case.pk}/decide", {"decision": "merge"},
                             content_type="application/json"), 403)
    assert_refused(api_for(world.county_xd).post(f"{API}/duplicates/{case.pk}/decide", {"decision": "delete"},
                                                 content_type="application/json"), 400)
    assert DuplicateCase.objects.get().status == "open"

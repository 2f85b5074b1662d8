"""The pages of bulk admission and of suspected duplicates, and the refusals on each of them."""

from datetime import date

import pytest
from django.test import Client

from tests.factories import make_id
from tests.intake.conftest import pupil, upload_file, xlsx_bytes
from tests.words import internal_words, visible_text
from xueji.intake import services
from xueji.intake.models import DuplicateCase, ImportBatch
from xueji.students.models import Student

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def upload(client, content, name="新生.xlsx"):
    return client.post("/intake/", {"file": upload_file(content, name)})


def test_registrar_uploads_reads_the_report_and_commits(world, client_for):
    client = client_for(world.registrar_a)
    page = client.get("/intake/")
    assert page.status_code == 200 and "下载导入模板" in text(page) and "批量导入" in text(page)
    response = upload(client, xlsx_bytes([pupil(1), pupil(2, ethnicity="77")]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intake/{batch.pk}/"
    report = client.get(f"/intake/{batch.pk}/")
    body = text(report)
    assert report.status_code == 200 and "确认导入 1 行" in body and "民族" in body and "不是有效的代码" in body
    assert "invalid_code" not in visible_text(report)
    assert not Student.objects.exists()
    response = client.post(f"/intake/{batch.pk}/commit", {"mode": "valid_only", "submit_registration": "1"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.skipped_rows == [3] and batch.applications_submitted == 1
    body = text(client.get(f"/intake/{batch.pk}/"))
    assert "未导入的行" in body and "已导入1行" in body and "确认导入" not in body


def test_the_report_says_each_error_in_words_and_shows_no_code(world, client_for, api_for):
    """The page lists row, column and the Chinese message; the codes (required, invalid_date, id_excel_float)
    stay in the API's report."""
    no_name, bad_date, as_number = pupil(1), pupil(2), pupil(3)
    no_name["姓名"] = ""
    bad_date["出生日期"] = "2019-02-30"
    as_number["身份证件号"] = float(as_number["身份证件号"][:17] + "0")
    client = client_for(world.registrar_a)
    upload(client, xlsx_bytes([no_name, bad_date, as_number]))
    batch = ImportBatch.objects.get()
    assert {e["code"] for e in batch.errors} >= {"required", "invalid_date", "id_excel_float"}
    report = client.get(f"/intake/{batch.pk}/")
    shown = visible_text(report)
    for words in ("姓名", "不是有效日期", "表格软件转换成了数字"):
        assert words in shown
    for code in ("required", "invalid_date", "id_excel_float"):
        assert code not in shown
    assert internal_words(report, allow={world.registrar_a.username}) == []
    assert client_for(world.registrar_b).get(f"/intake/{batch.pk}/").status_code == 404  # another school
    codes = {e["code"] for e in api_for(world.registrar_a).get(f"/api/v1/imports/{batch.pk}").json()["errors"]}
    assert codes >= {"required", "invalid_date", "id_excel_float"}  # the API keeps the codes


def test_the_same_file_again_is_refused_on_the_page(world, client_for):
    client = client_for(world.registrar_a)
    content = xlsx_bytes([pupil(1)])
    upload(client, content)
    batch = ImportBatch.objects.get()
    client.post(f"/intake/{batch.pk}/commit", {"mode": "valid_only"})
    response = upload(client, content)
    assert response.status_code == 409 and "未重复写入" in text(response)
    assert ImportBatch.objects.count() == 1 and Student.objects.count() == 1


def test_upload_without_a_file_says_so(world, client_for):
    response = client_for(world.registrar_a).post("/intake/", {})
    assert response.status_code == 400 and "请选择" in text(response)


def test_progress_fragment_shows_a_bar_while_running_and_reloads_when_done(world, client_for):
    client = client_for(world.registrar_a)
    upload(client, xlsx_bytes([pupil(1)]))
    batch = ImportBatch.objects.get()
    done = client.get(f"/intake/{batch.pk}/progress", HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and done["HX-Refresh"] == "true"
    ImportBatch.objects.filter(pk=batch.pk).update(status="validating", rows_total=0)
    services._report(batch.pk, 500, "校验", 2000)
    running = client.get(f"/intake/{batch.pk}/progress", HTTP_HX_REQUEST="true")
    body = text(running)
    assert running.status_code == 200 and "<progress" in body and 'value="25"' in body and "every 1s" in body
    page = text(client.get(f"/intake/{batch.pk}/"))
    assert "import-progress" in page


def test_template_downloads_from_the_page(world, client_for):
    response = client_for(world.registrar_a).get("/intake/template/")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_nav_shows_import_to_registrars_and_duplicates_to_officers(world, client_for):
    assert "/intake/" in text(client_for(world.registrar_a).get("/"))
    assert "/duplicates/" in text(client_for(world.county_xd).get("/"))
    assert "/intake/" not in text(client_for(world.county_xd).get("/"))
    assert "/duplicates/" not in text(client_for(world.registrar_a).get("/"))


def test_outsiders_are_refused_on_every_import_page(world, client_for):
    owner = client_for(world.registrar_a)
    upload(owner, xlsx_bytes([pupil(1)]))
    batch = ImportBatch.objects.get()
    outsider = client_for(world.registrar_b)
    assert outsider.get(f"/intake/{batch.pk}/").status_code == 404
    assert outsider.get(f"/intake/{batch.pk}/progress").status_code == 404
    assert outsider.post(f"/intake/{batch.pk}/commit", {"mode": "valid_only"}).status_code == 404
    assert client_for(world.county_yz).get(f"/intake/{batch.pk}/").status_code == 404
    for user in (world.leader_a, world.county_xd, world.auditor):
        assert client_for(user).get("/intake/").status_code == 403
        assert upload(client_for(user), xlsx_bytes([pupil(2)])).status_code == 403
    leader = client_for(world.leader_a)
    assert leader.get(f"/intake/{batch.pk}/").status_code == 200
    leader.post(f"/intake/{batch.pk}/commit", {"mode": "valid_only"})
    assert ImportBatch.objects.get().status == "validated" and not Student.objects.exists()
    anonymous = Client()
    assert anonymous.get("/intake/").status_code == 302
    assert anonymous.get("/duplicates/").status_code == 302


@pytest.fixture
def case(world, make_student, client_for):
    make_student(school=world.school_b, name="王小明", birth=date(2019, 7, 7), gender="1",
                 id_number=make_id(birth=date(2019, 7, 7), gender="1", seq=91))
    client = client_for(world.registrar_a)
    upload(client, xlsx_bytes([pupil(9, name="王晓明", birth=date(2019, 7, 7), gender="1")]))
    client.post(f"/intake/{ImportBatch.objects.get().pk}/commit", {"mode": "valid_only"})
    return DuplicateCase.objects.get()


def test_county_lists_reads_and_merges_a_case(world, client_for, case):
    client = client_for(world.county_xd)
    listing = text(client.get("/duplicates/"))
    assert f"/duplicates/{case.pk}/" in listing and "王晓明" in listing and "省内其他学校" in listing
    detail = text(client.get(f"/duplicates/{case.pk}/"))
    assert "确认认定" in detail and "不在管辖范围内" in detail and world.school_b.name not in detail
    response = client.post(f"/duplicates/{case.pk}/decide", {"decision": "merge", "comment": "同一人", "confirm": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "merged" and Student.objects.get(pk=case.student_id).status == "注销"
    assert "已合并" in text(client.get(f"/duplicates/{case.pk}/"))


def test_keep_both_from_the_page(world, client_for, case):
    client_for(world.county_xd).post(f"/duplicates/{case.pk}/decide",
                                     {"decision": "keep_both", "comment": "户口簿核实", "confirm": "1"})
    case.refresh_from_db()
    assert case.status == "kept_both" and Student.objects.get(pk=case.student_id).status == "待注册"


def test_outsiders_are_refused_on_every_duplicate_page(world, client_for, case):
    outsider = client_for(world.county_yz)
    assert "王晓明" not in text(outsider.get("/duplicates/?status=all"))
    assert outsider.get(f"/duplicates/{case.pk}/").status_code == 404
    assert outsider.post(f"/duplicates/{case.pk}/decide", {"decision": "merge"}).status_code == 404
    for user in (world.registrar_a, world.leader_a, world.auditor):
        client = client_for(user)
        assert client.get("/duplicates/").status_code == 403
        assert client.get(f"/duplicates/{case.pk}/").status_code == 403
        assert client.post(f"/duplicates/{case.pk}/decide", {"decision": "merge"}).status_code == 403
    city = client_for(world.city_ty)
    assert "提交认定" not in text(city.get(f"/duplicates/{case.pk}/"))
    assert city.post(f"/duplicates/{case.pk}/decide", {"decision": "merge"}).status_code == 403
    assert DuplicateCase.objects.get().status == "open"

"""POST /api/v1/schools/{code}/graduation-conditions/import, its page and the template: one row per student,
every bad cell reported at once, nothing written unless all are right."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.conditions.conftest import YEAR
from xueji.conditions import importer
from xueji.conditions.models import ConditionRecord, ExamSitting

pytestmark = pytest.mark.django_db


def sheet(*rows, header=None) -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    ws.append(header or importer.columns())
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("条件.xlsx", buffer.getvalue())


def good_row(student, **cells):
    values = {"学籍号": student.student_number, "姓名": student.name, "基础素养评价总评": "合格", "必修学分": 116,
              "选修I学分": 22, "选修II学分": 6, "体育锻炼达标": "是", "劳动和社会实践": "是"}
    values |= {s: "B" for s in importer.subjects()} | cells
    return [values.get(c) for c in importer.columns()]


def upload(client, school, file):
    return client.post(f"/api/v1/schools/{school.pk}/graduation-conditions/import",
                       {"file": file, "school_year": YEAR})


def test_a_good_sheet_is_written_with_its_retakes(world, senior, api_for):
    response = upload(api_for(world.registrar_high), world.high, sheet(good_row(senior, 物理="D/B")))
    assert response.status_code == 200, response.content
    assert response.json() == {"rows_total": 1, "students": 1, "sittings": 12}
    record = ConditionRecord.objects.get(student=senior)
    assert (record.credits_compulsory, record.fitness_met) == (116, True)
    assert list(ExamSitting.objects.filter(student=senior, subject="物理").values_list("attempt", "grade")) == [
        (1, "D"), (2, "B")]
    met = api_for(world.city_ty).get(f"/api/v1/students/{senior.student_number}/graduation-conditions")
    assert met.json()["met"] is True


def test_every_bad_cell_is_reported_and_nothing_written(world, senior, pupil, api_for):
    rows = [good_row(senior, 姓名="李四", 必修学分="很多", 物理="F"),
            good_row(senior),
            ["G999999999999999999", "张三"] + [None] * (len(importer.columns()) - 2)]
    response = upload(api_for(world.registrar_high), world.high, sheet(*rows))
    assert response.status_code == 422
    found = {(e["row"], e["column"], e["code"]) for e in response.json()["rows"]}
    assert "第2行“物理”" in " ".join(e["message"] for e in response.json()["errors"])
    assert found == {(2, "姓名", "name_mismatch"), (2, "必修学分", "credits_invalid"), (2, "物理", "exam_grade_invalid"),
                     (3, "学籍号", "repeated_student"), (4, "学籍号", "student_unknown")}
    assert not ConditionRecord.objects.exists() and not ExamSitting.objects.exists()


def test_a_column_left_out_keeps_what_was_recorded(world, senior, api_for):
    client = api_for(world.registrar_high)
    upload(client, world.high, sheet(good_row(senior)))
    partial = sheet([senior.student_number, senior.name, 120], header=["学籍号", "姓名", "必修学分"])
    assert upload(client, world.high, partial).status_code == 200
    current = ConditionRecord.objects.get(student=senior, current=True)
    assert (current.version, current.credits_compulsory, current.quality_result) == (2, 120, "合格")


def test_unknown_columns_and_hostile_files_are_refused(world, api_for):
    client = api_for(world.registrar_high)
    bad_header = upload(client, world.high, sheet(header=["学籍号", "名字"]))
    assert bad_header.status_code == 422
    assert {e["code"] for e in bad_header.json()["errors"]} == {"unknown_columns", "missing_columns"}
    csv = upload(client, world.high, SimpleUploadedFile("a.csv", "学籍号,姓名\n".encode()))
    assert csv.status_code == 422 and csv.json()["errors"][0]["code"] == "file_type"


def test_outsiders_cannot_import(world, senior, api_for, client_for):
    assert upload(api_for(world.registrar_a), world.high, sheet(good_row(senior))).status_code == 404
    assert upload(api_for(world.city_dt), world.high, sheet(good_row(senior))).status_code == 404
    assert upload(api_for(world.city_ty), world.high, sheet(good_row(senior))).status_code == 403
    page = f"/schools/{world.high.pk}/graduation-conditions/import/"
    assert client_for(world.registrar_a).post(page, {"file": sheet(good_row(senior)), "school_year": YEAR}).status_code == 404
    assert client_for(world.city_ty).post(page, {"file": sheet(good_row(senior)), "school_year": YEAR}).status_code == 403
    assert not ConditionRecord.objects.exists()


def test_the_import_page(world, senior, client_for):
    client = client_for(world.registrar_high)
    page = f"/schools/{world.high.pk}/graduation-conditions/import/"
    assert 'data-testid="conditions-import-form"' in client.get(page).content.decode()
    refused = client.post(page, {"file": sheet(good_row(senior, 选修II学分=-3)), "school_year": YEAR})
    assert refused.status_code == 422 and "选修II学分" in refused.content.decode()
    done = client.post(page, {"file": sheet(good_row(senior)), "school_year": YEAR})
    assert done.status_code == 302 and ConditionRecord.objects.filter(student=senior).exists()


def test_the_template(world, api_for):
    response = api_for(world.registrar_high).get("/api/v1/graduation-conditions/template")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.active[1]] == importer.columns()

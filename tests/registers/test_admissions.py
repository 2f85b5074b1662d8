"""新生入学名册: this school year's entrants of the school's first grades, by grade and class; IDs masked unless a
reason is given (第四十四条); in the spreadsheet IDs are text and a name that looks like a formula stays text."""

from xueji.access.models import ConsultationEntry
from xueji.registers import admissions

from .conftest import API, sheet_cells


def url(world, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{API}/schools/{world.school_a.pk}/registers/admissions" + (f"?{q}" if q else "")


def test_this_years_first_graders_are_listed_and_transfers_are_not(world, registered, api_for):
    pupil = registered(name="李一")
    registered(name="张三", grade=3)  # a new record, but not in an entry grade: not an admission
    tables = api_for(world.registrar_a).get(url(world)).json()["tables"]
    assert tables[0]["rows"][-1] == {"年级": "合计", "班级": "", "男": 1, "女": 0, "合计": 1}
    rows = tables[1]["rows"]
    assert [(r["姓名"], r["年级"]) for r in rows] == [("李一", "一年级")]
    assert rows[0]["身份证件号"] != pupil.id_number and rows[0]["身份证件号"].endswith(pupil.id_number[-4:])
    assert list(rows[0]) == list(admissions.HEADERS)
    # Another school year has none of them.
    assert api_for(world.registrar_a).get(url(world, year=2025)).json()["tables"][1]["rows"] == []


def test_the_spreadsheet_keeps_ids_as_text_and_formulas_as_text(world, registered, api_for):
    pupil = registered(name="=HYPERLINK(\"http://x\")")
    response = api_for(world.registrar_a).post(url(world), {"format": "xlsx", "reason": "核对新生名单"},
                                               content_type="application/json")
    assert response.status_code == 200, response.content.decode()
    sheet = sheet_cells(response)
    assert [c.value for c in sheet[2]] == list(admissions.HEADERS)
    name, id_cell = sheet.cell(row=3, column=4), sheet.cell(row=3, column=9)
    assert name.data_type == "s" and name.value == "=HYPERLINK(\"http://x\")" and name.quotePrefix
    assert id_cell.data_type == "s" and id_cell.value == pupil.id_number and id_cell.number_format == "@"
    assert ConsultationEntry.objects.get(user=world.registrar_a).basis == "daily"


def test_a_county_officer_reads_whole_numbers_on_screen_but_a_file_needs_a_grant(world, registered, api_for):
    pupil = registered()
    county = api_for(world.county_xd)
    shown = county.post(url(world), {"reason": "核对新生名单"}, content_type="application/json")
    assert shown.status_code == 200 and shown.json()["tables"][1]["rows"][0]["身份证件号"] == pupil.id_number
    refused = county.post(url(world), {"format": "xlsx", "reason": "核对新生名单"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["article"] == "第四十四条"
    short = county.post(url(world), {"reason": "查"}, content_type="application/json")
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"

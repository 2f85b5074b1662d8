"""The dashboards: figures equal a direct count of the records, drill-down narrows, outsiders are refused."""

import io

import openpyxl
import pytest
from django.db.models import Q

from xueji.applications.models import Application
from xueji.statistics import selectors
from xueji.students.models import Student

pytestmark = pytest.mark.django_db


def table(figures, key):
    return {row[0]: row[1:] for row in next(f for f in figures if f.key == key).rows}


def test_county_figures_equal_a_direct_count(world, registry):
    node, figures = selectors.dashboard(world.county_xd, "140105")
    mine = Student.objects.filter(school__county=world.xiaodian, school__city_run=False, status="在籍")
    grades = table(figures, "grade_gender")
    assert grades["一年级"] == [mine.filter(grade=1, gender="1").count(), mine.filter(grade=1, gender="2").count(),
                               mine.filter(grade=1).count()] == [1, 1, 2]
    assert grades["合计"][2] == mine.count() == 4
    flags = table(figures, "flags")["合计"]
    assert flags == [mine.count(), mine.filter(migrant_child=True).count(),
                     mine.filter(left_behind__in=["1", "2"]).count(),
                     mine.exclude(disability_type__in=["", "0"]).count(),
                     mine.exclude(inclusive_study__in=["", "0"]).count()] == [4, 2, 2, 1, 1]
    status = table(figures, "status")
    assert status["休学"] == [Student.objects.filter(school__county=world.xiaodian, status="休学").count()] == [1]


def test_change_figures_equal_the_decided_applications(world, registry):
    _node, figures = selectors.dashboard(world.county_xd, "140105")
    approved = Application.objects.filter(status="approved", school__county=world.xiaodian)
    assert table(figures, "leavers")["合计"] == [approved.filter(type="withdrawal").count(),
                                                approved.filter(type="dropout").count()] == [1, 1]
    # The 小店区 → 迎泽区 transfer leaves 小店区 and arrives in 迎泽区.
    assert table(figures, "transfers")["合计"] == [0, 1]
    _node, theirs = selectors.dashboard(world.county_yz, "140106")
    assert table(theirs, "transfers")["合计"] == [1, 0]
    # Deadlines: withdrawal late, dropout on time, the rejected suspension late; the pending one nowhere.
    assert table(figures, "deadlines")["合计"][:3] == [3, 1, 2]


def test_the_change_tally_follows_decisions_and_edits(world, registry):
    app = Application.objects.get(status="pending")
    app.status, app.decided_at = "approved", Application.objects.exclude(decided_at=None).first().decided_at
    app.save()
    Application.objects.filter(type="transfer").update(status="cancelled")
    want = {}
    for a in Application.objects.exclude(status="pending"):
        want[(a.school_id, a.type, a.status)] = want.get((a.school_id, a.type, a.status), 0) + 1
    have = {(r["school"], r["type"], r["outcome"]): r["decided"] for r in selectors.change_counts(
        selectors.node_for(world.province_officer, "140000"), ("school", "type", "outcome", "side"),
        outcome="all", since="2000-01", until="2999-12") if r["decided"] and True}
    have = {k: v for k, v in have.items()}
    transfer_out = have.pop((world.school_a.pk, "transfer", "cancelled"), None)
    assert have == want and transfer_out == 1


def test_drill_down_narrows_from_province_to_school(world, registry, client_for):
    client = client_for(world.province_officer)
    page = client.get("/statistics/140000/")
    assert page.status_code == 200
    assert 'href="/statistics/140100/"' in page.content.decode()
    city = client.get("/statistics/140100/").content.decode()
    # 太原市: its counties, and its city-run school on its own line (第三条).
    assert 'href="/statistics/140105/"' in city and f'href="/statistics/{world.high.pk}/"' in city
    county = client.get("/statistics/140105/").content.decode()
    assert f'href="/statistics/{world.school_a.pk}/"' in county and f"/statistics/{world.high.pk}/" not in county
    _node, figures = selectors.dashboard(world.province_officer, world.school_a.pk)
    assert table(figures, "grade_gender")["合计"][2] == Student.objects.filter(
        school=world.school_a, status="在籍").count() == 3
    assert not any(f.key == "children" for f in figures)
    children = table(selectors.dashboard(world.city_ty, "140100")[1], "children")
    assert children["小店区"][0] == Student.objects.filter(Q(school__county=world.xiaodian, school__city_run=False),
                                                         status="在籍").count()


def test_every_chart_has_its_table_and_xlsx(world, registry, client_for):
    client = client_for(world.county_xd)
    page = client.get("/statistics/").content.decode()
    assert "echarts.min.js" in page and 'id="stat-charts"' in page and "cdn" not in page.lower()
    _node, figures = selectors.dashboard(world.county_xd, "140105")
    for f in figures:
        assert f'data-testid="figure-{f.key}"' in page and f'data-testid="xlsx-{f.key}"' in page
    download = client.get("/statistics/140105/?figure=grade_gender&format=xlsx")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["年级", "男", "女", "合计"] in values and ["一年级", 1, 1, 2] in values
    assert client.get("/statistics/140105/?figure=nothing&format=xlsx").status_code == 404


@pytest.mark.parametrize("who, code", [
    ("county_yz", "140105"),  # another county
    ("county_xd", "140106"),
    ("city_dt", "140100"),  # another city
    ("county_xd", "3114010001"),  # a city-run school standing in his county is the city's (第三条)
    ("registrar_a", "140105"),  # a school reads its own figures only
    ("registrar_b", "1114010501"),
    ("auditor", "140000"),
])
def test_outsiders_are_refused(world, registry, client_for, api_for, who, code):
    user = getattr(world, who)
    assert client_for(user).get(f"/statistics/{code}/").status_code == 404
    assert client_for(user).get(f"/statistics/{code}/?figure=grade_gender&format=xlsx").status_code == 404
    param = "school" if len(code) == 10 else "division"
    assert api_for(user).get(f"/api/v1/statistics/students?{param}={code}").status_code == 404


def test_a_guardian_reads_no_statistics(world, registry, client_for, api_for):
    from tests import factories as f

    guardian = f.user("parent", "guardian")
    assert client_for(guardian).get("/statistics/140105/").status_code in (403, 404)
    assert api_for(guardian).get("/api/v1/statistics/students?division=140105").status_code in (403, 404)


def test_a_registrar_reads_his_school(world, registry, client_for):
    assert client_for(world.registrar_a).get("/statistics/").status_code == 200

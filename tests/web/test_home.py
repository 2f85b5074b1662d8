"""The home page of each role and the navigation it offers."""

import pytest

from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


def test_registrar_home_counts_the_school_by_grade_and_status(world, client_for, make_student):
    make_student(name="张一")
    make_student(name="张二")
    make_student(name="张三", grade=2, entry_month="202409")
    make_student(school=world.school_b, name="外校生")
    response = client_for(world.registrar_a).get("/")
    assert response.status_code == 200
    table = response.context["table"]
    by_grade = {row["grade"]: row["total"] for row in table["rows"]}
    assert by_grade[1] == 2 and by_grade[2] == 1 and table["total"] == 3
    assert dict(table["by_status"])["待注册"] == 3
    body = text(response)
    assert "太原市小店区坞城路小学" in body and "张三" in body and "外校生" not in body


def test_leader_sees_the_same_school_overview(world, client_for, make_student):
    make_student(name="张一")
    response = client_for(world.leader_a).get("/")
    assert response.status_code == 200 and response.context["table"]["total"] == 1
    assert "新建学生" not in nav_labels(response)


def test_county_home_lists_its_schools_with_counts_and_nothing_else(world, client_for, make_student):
    make_student(name="张一")
    make_student(school=world.school_b, name="外校生")
    response = client_for(world.county_xd).get("/")
    assert response.status_code == 200
    schools = {s.code: s for s in response.context["schools"]}
    assert set(schools) == {world.school_a.pk, world.school_a2.pk}  # the city-run high school is not the county's
    assert schools[world.school_a.pk].total == 1 and schools[world.school_a.pk].pending == 1
    assert world.school_b.name not in text(response)


def test_city_home_lists_its_counties_and_the_schools_it_runs(world, client_for, make_student):
    make_student(name="张一")
    make_student(school=world.school_b, name="李二")
    response = client_for(world.city_ty).get("/")
    children = {c["division"].code: c for c in response.context["children"]}
    assert set(children) == {"140105", "140106"}
    assert children["140105"]["total"] == 1 and children["140106"]["total"] == 1
    assert children["140105"]["schools"] == 2
    assert [s.code for s in response.context["schools"]] == [world.high.pk]
    assert "平城区" not in text(response)


def test_province_home_lists_the_cities(world, client_for):
    response = client_for(world.province_officer).get("/")
    assert {c["division"].name for c in response.context["children"]} == {"太原市", "大同市"}
    assert "审计日志" in nav_labels(response)


def test_auditor_home_shows_recent_audit_events(world, client_for, make_student):
    make_student(name="张一")
    response = client_for(world.auditor).get("/")
    assert response.status_code == 200
    assert any(e.action == "student.create" for e in response.context["events"])
    assert "新建学生" in text(response)  # the action's label in the table


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("registrar_a", {"本校", "学生查询", "新建学生"}, {"审计日志", "账号管理", "辖区"}),
        ("county_xd", {"辖区", "学生查询", "账号管理"}, {"审计日志", "新建学生", "本校"}),
        ("auditor", {"审计日志"}, {"学生查询", "账号管理", "新建学生"}),
    ],
)
def test_navigation_offers_only_what_the_role_may_use(world, client_for, who, present, absent):
    labels = set(nav_labels(client_for(getattr(world, who)).get("/")))
    assert present <= labels and not (absent & labels)


def test_header_names_the_users_org_and_role(world, client_for):
    body = text(client_for(world.county_xd).get("/"))
    assert "小店区" in body and "县级学籍主管部门" in body

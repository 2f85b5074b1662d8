"""/api/v1/orgs and /api/v1/schools: the tree as each node sees it; outsiders get 404, wrong roles 403."""

import pytest

from tests.api.conftest import assert_error, denied_rows
from xueji.audit.models import AuditEvent
from xueji.orgs.models import School, SchoolClass

pytestmark = pytest.mark.django_db


def codes_of(items):
    return {item["code"] for item in items}


# ------------------------------------------------------------------ GET /orgs/{code}


def test_county_sees_its_own_schools_but_not_the_city_run_one(world, api):
    body = api(world.county_xd).get("/orgs/140105").json()
    assert body["kind"] == "division" and body["name"] == "小店区" and body["parent"] == "140100"
    assert codes_of(body["schools"]) == {"1114010501", "1114010502"}
    assert body["divisions"] == []


def test_city_sees_its_counties_and_the_schools_it_runs(world, api):
    body = api(world.city_ty).get("/orgs/140100").json()
    assert codes_of(body["divisions"]) == {"140105", "140106"}
    assert codes_of(body["schools"]) == {"3114010001"}
    assert body["schools"][0]["city_run"] is True and body["schools"][0]["provincial_model"] is True


def test_school_shows_its_campuses_and_classes(world, api):
    body = api(world.registrar_a).get("/orgs/1114010501").json()
    assert body["kind"] == "school"
    assert (body["school_type"], body["school_type_label"], body["county"], body["city"]) == (
        "211", "小学", "140105", "140100")
    assert [c["name"] for c in body["campuses"]] == ["主校区"]
    assert [(c["id"], c["grade"], c["grade_label"], c["name"]) for c in body["classes"]] == [
        (world.class_a1.pk, 1, "一年级", "1班")]


@pytest.mark.parametrize("who, code", [
    ("county_yz", "140105"),      # another county
    ("county_xd", "140100"),      # the level above
    ("county_xd", "3114010001"),  # a city-run school standing in his county
    ("registrar_b", "1114010501"),
    ("registrar_a", "140105"),
    ("city_dt", "1114010501"),
])
def test_nodes_outside_the_jurisdiction_are_404_and_logged(world, api, who, code):
    user = getattr(world, who)
    assert_error(api(user).get(f"/orgs/{code}"), 404)
    assert denied_rows(user, object_id=code).exists()


def test_unknown_code_is_404(world, api):
    assert_error(api(world.province_officer).get("/orgs/999999"), 404)
    assert_error(api(world.province_officer).get("/orgs/abc"), 404)


# ------------------------------------------------------------------ GET /schools


def test_county_lists_the_schools_of_its_county_only(world, api):
    body = api(world.county_xd).get("/schools").json()
    assert codes_of(body["results"]) == {"1114010501", "1114010502"}
    assert body["count"] == 2
    assert codes_of(api(world.county_yz).get("/schools").json()["results"]) == {"1114010601"}


def test_school_list_filters(world, api):
    client = api(world.province_officer)
    assert codes_of(client.get("/schools", type="211", county="140105").json()["results"]) == {"1114010501"}
    assert codes_of(client.get("/schools", type="小学").json()["results"]) == {"1114010501", "1114010601"}
    # The county filter is where a school stands, the city-run one included.
    assert codes_of(client.get("/schools", county="140105").json()["results"]) == {
        "1114010501", "1114010502", "3114010001"}
    assert client.get("/schools", city="140200").json()["count"] == 0


def test_school_list_pages(world, api):
    client = api(world.province_officer)
    first = client.get("/schools", page_size=3).json()
    second = client.get("/schools", page_size=3, page=2).json()
    assert (first["count"], len(first["results"]), len(second["results"])) == (4, 3, 1)
    assert not codes_of(first["results"]) & codes_of(second["results"])
    assert_error(client.get("/schools", page_size=201), 400, field="page_size")
    assert_error(client.get("/schools", page=0), 400, field="page")


def test_registrar_lists_only_his_school_and_auditor_none(world, api):
    assert codes_of(api(world.registrar_b).get("/schools").json()["results"]) == {"1114010601"}
    assert api(world.auditor).get("/schools").json()["count"] == 0


# ------------------------------------------------------------------ POST /schools


def new_school(**overrides):
    body = {"code": "1114010503", "name": "太原市小店区许西小学", "school_type": "211", "county": "140105",
            "address": "小店区许西村"}
    body.update(overrides)
    return body


def test_county_officer_creates_a_school_in_his_county(world, api):
    response = api(world.county_xd).post("/schools", new_school())
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "1114010503" and response.json()["county_name"] == "小店区"
    school = School.objects.get(pk="1114010503")
    assert school.city == world.taiyuan and school.campuses.filter(is_main=True).exists()
    assert AuditEvent.objects.filter(actor=world.county_xd, action="school.create").exists()


def test_school_type_may_be_given_by_name(world, api):
    response = api(world.county_xd).post("/schools", new_school(school_type="初级中学"))
    assert response.status_code == 201
    assert School.objects.get(pk="1114010503").school_type == "311"


def test_registrar_posting_a_school_is_403(world, api):
    assert_error(api(world.registrar_a).post("/schools", new_school()), 403)
    assert not School.objects.filter(pk="1114010503").exists()


def test_officer_of_another_county_is_refused(world, api):
    assert_error(api(world.county_yz).post("/schools", new_school()), 403)
    assert_error(api(world.city_dt).post("/schools", new_school()), 403)
    assert not School.objects.filter(pk="1114010503").exists()


def test_only_the_city_creates_city_run_schools(world, api):
    body = assert_error(api(world.county_xd).post("/schools", new_school(city_run=True)), 403)
    assert "第三条" in body["errors"][0]["message"]
    assert api(world.city_ty).post("/schools", new_school(city_run=True)).status_code == 201


def test_school_input_problems(world, api):
    client = api(world.county_xd)
    assert_error(client.post("/schools", new_school(code="123")), 422, field="code")
    assert_error(client.post("/schools", new_school(school_type="999")), 422, field="school_type")
    assert_error(client.post("/schools", new_school(county="149999")), 422, field="county")
    assert_error(client.post("/schools", new_school(county="140100")), 422, field="county")
    assert_error(client.post("/schools", new_school(code="1114010501")), 409, field="code")
    assert_error(client.post("/schools", new_school(city_run="maybe")), 400, field="city_run")
    assert not School.objects.filter(pk="1114010503").exists()


# ------------------------------------------------------------------ classes


def test_class_list_of_a_school(world, api):
    body = api(world.county_xd).get("/schools/1114010501/classes").json()
    assert [(c["id"], c["name"], c["school"]) for c in body] == [(world.class_a1.pk, "1班", "1114010501")]


def test_class_list_outsiders_get_404(world, api):
    for user in (world.registrar_b, world.county_yz, world.auditor):
        assert_error(api(user).get("/schools/1114010501/classes"), 404)
        assert denied_rows(user, object_id="1114010501").exists()


def test_registrar_forms_a_class(world, api):
    response = api(world.registrar_a).post("/schools/1114010501/classes",
                                           {"grade": 1, "name": "2班", "entry_year": 2026, "head_teacher": "张老师"})
    assert response.status_code == 201, response.content
    created = SchoolClass.objects.get(pk=response.json()["id"])
    assert (created.school, created.grade, created.name, created.head_teacher) == (world.school_a, 1, "2班", "张老师")
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="class.create").exists()


def test_grade_may_be_given_by_name(world, api):
    response = api(world.registrar_a2).post("/schools/1114010502/classes",
                                            {"grade": "初一", "name": "1班", "entry_year": 2026})
    assert response.status_code == 201 and response.json()["grade"] == 7


def test_class_rules(world, api):
    client = api(world.registrar_a)
    url = "/schools/1114010501/classes"
    assert_error(client.post(url, {"grade": "初一", "name": "2班", "entry_year": 2026}), 422, field="grade")
    assert_error(client.post(url, {"grade": 1, "name": "1班", "entry_year": 2026}), 409, field="name")
    other_campus = world.school_b.campuses.get().pk
    assert_error(client.post(url, {"grade": 1, "name": "3班", "entry_year": 2026, "campus": other_campus}),
                 422, field="campus")
    assert_error(client.post(url, {"grade": 1, "name": "3班", "entry_year": "next"}), 400, field="entry_year")
    assert SchoolClass.objects.filter(school=world.school_a).count() == 1


def test_class_creation_refusals(world, api):
    body = {"grade": 1, "name": "2班", "entry_year": 2026}
    assert_error(api(world.leader_a).post("/schools/1114010501/classes", body), 403)
    assert_error(api(world.registrar_b).post("/schools/1114010501/classes", body), 404)
    assert_error(api(world.county_yz).post("/schools/1114010501/classes", body), 404)
    assert denied_rows(world.registrar_b, object_id="1114010501").exists()
    assert SchoolClass.objects.filter(school=world.school_a).count() == 1

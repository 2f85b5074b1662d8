"""A NUL character anywhere a client can type it is a 400 in the contract's body (PostgreSQL cannot store one and
answered 500), for the API and the pages alike; text without one goes through as before."""

from tests.api.conftest import assert_error
from tests.factories import student_payload


def test_a_nul_in_a_json_body_is_400_and_writes_nothing(world, api):
    from xueji.students.models import Student

    payload = student_payload(name="王\u0000小明")
    before = Student.objects.count()
    body = assert_error(api(world.registrar_a).post(f"/students?school={world.school_a.pk}",
                                                    {**payload, "school": world.school_a.pk}), 400, code="malformed")
    assert "空字符" in body["errors"][0]["message"]
    assert Student.objects.count() == before


def test_a_nul_in_a_query_or_path_is_400(world, api):
    assert_error(api(world.county_xd).get("/students", q="王\u0000"), 400, code="malformed")
    response = api(world.county_xd).client.get("/api/v1/students/G1%00")
    assert response.status_code == 400


def test_a_nul_in_a_form_post_is_400(world, client_for):
    response = client_for(world.registrar_a).post("/students/new/", {"name": "王\u0000小明"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_backslash_written_out_is_not_a_nul(world, api):
    # The six characters \u0000 typed as text arrive escaped (\\u0000) and are ordinary text, not refused.
    response = api(world.county_xd).get("/students", q="\\u0000")
    assert response.status_code == 200

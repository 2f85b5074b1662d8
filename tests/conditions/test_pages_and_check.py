"""The school's class list and the student page, and the check registered with graduation (set-based)."""

import pytest
from django.test import Client

from tests import factories as f
from tests.conditions.conftest import YEAR, full
from xueji.graduation import hooks
from xueji.students.models import Student

pytestmark = pytest.mark.django_db


def save(world, student, **overrides):
    from xueji.conditions.services import save_conditions

    body = full(**overrides)
    return save_conditions(world.registrar_high, student, body.pop("school_year"), body)


def test_the_class_list_shows_unmet_conditions_by_name_and_article(world, senior, client_for):
    save(world, senior, credits_compulsory=110)
    page = client_for(world.registrar_high).get(f"/schools/{world.high.pk}/graduation-conditions/?grade=12")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="conditions-row"' in text
    assert "必修学分不足:110/116(第三十五条(二))" in text and senior.student_number not in text  # masked
    nav = client_for(world.registrar_high).get("/").content.decode()
    assert f"/schools/{world.high.pk}/graduation-conditions/" in nav
    assert client_for(world.city_ty).get(f"/schools/{world.high.pk}/graduation-conditions/").status_code == 200
    record_page = client_for(world.registrar_high).get(f"/students/{senior.student_number}/").content.decode()
    assert 'data-testid="conditions-link"' in record_page


def test_outsiders_are_refused_the_pages(world, senior, client_for):
    for outsider in (world.registrar_a, world.county_xd, world.city_dt, world.auditor):
        client = client_for(outsider)
        assert client.get(f"/schools/{world.high.pk}/graduation-conditions/").status_code == 404
        assert client.get(f"/students/{senior.student_number}/graduation-conditions/").status_code == 404
    assert Client().get(f"/students/{senior.student_number}/graduation-conditions/").status_code == 302


def test_the_student_form_saves_and_shows_every_error(world, senior, client_for):
    url = f"/students/{senior.student_number}/graduation-conditions/"
    client = client_for(world.registrar_high)
    assert 'data-testid="conditions-form"' in client.get(url).content.decode()
    form = {"school_year": YEAR, "quality_result": "合格", "credits_compulsory": "116", "credits_elective_1": "x",
            "credits_elective_2": "6", "fitness_met": "是", "practice_done": "是", "grade_物理": "B",
            "attempt_物理": "1"}
    refused = client.post(url, form).content.decode()
    assert "选修I学分" in refused and 'data-testid="conditions-errors"' in refused
    assert client.post(url, form | {"credits_elective_1": "22"}).status_code == 302
    shown = client.get(url).content.decode()
    assert "物理" in shown and "学业水平考试“语文”尚无成绩" in shown
    city = client_for(world.city_ty)
    assert 'data-testid="conditions-form"' not in city.get(url).content.decode()
    assert city.post(url, form).status_code == 403


def test_the_page_refuses_a_primary_pupil(world, pupil, client_for):
    text = client_for(world.registrar_a).get(f"/students/{pupil.student_number}/graduation-conditions/").content.decode()
    assert "只适用于普通高中学生" in text and 'data-testid="conditions-form"' not in text
    record_page = client_for(world.registrar_a).get(f"/students/{pupil.student_number}/").content.decode()
    assert 'data-testid="conditions-link"' not in record_page


def test_the_check_is_registered_and_set_based(world, senior, pupil, django_assert_max_num_queries):
    from xueji.conditions.checks import unmet_for_graduation

    assert unmet_for_graduation in hooks._CHECKS
    save(world, senior)
    clones = []
    for n in range(49):
        clone = Student.objects.get(pk=senior.pk)
        clone.pk, clone.student_number = None, None
        clone.id_number = f.make_id(birth=senior.birth_date, seq=n + 100)
        clones.append(clone)
    Student.objects.bulk_create(clones)
    batch = list(Student.objects.filter(school=world.high)) + [pupil]
    assert len(batch) == 51
    with django_assert_max_num_queries(3):
        result = hooks.unmet(batch, YEAR)
    assert result[senior.pk] == [] and result[pupil.pk] == []
    others = [result[s.pk] for s in batch if s.pk not in (senior.pk, pupil.pk)]
    assert len(others) == 49 and all(any(v.code == "quality_missing" for v in found) for found in others)
    assert all(v.article == "第三十五条" for found in others for v in found)


def test_demo_conditions(world, senior):
    import datetime

    from xueji.conditions.demo import seed_demo

    assert seed_demo(datetime.date.today())["condition_records"] == 3
    assert hooks.unmet([senior], YEAR)[senior.pk] == []

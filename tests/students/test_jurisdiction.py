"""One jurisdiction policy per resource: each account sees its node's subtree only."""

import pytest

from xueji.audit.models import AuditEvent
from xueji.core.errors import NotFound
from xueji.orgs.permissions import DivisionPolicy, SchoolPolicy
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import find_student, search_students


@pytest.fixture
def students(world, make_student):
    return {
        "a": make_student(name="张三"),
        "b": make_student(school=world.school_b, name="李四"),
        "high": make_student(school=world.high, name="赵五", grade=10, entry_mode="21"),
    }


def names(qs):
    return sorted(s.name for s in qs)


def test_each_role_sees_its_subtree(world, students):
    assert names(StudentPolicy.visible_to(world.registrar_a)) == ["张三"]
    assert names(StudentPolicy.visible_to(world.county_xd)) == ["张三"]  # the city-run school is not the county's
    assert names(StudentPolicy.visible_to(world.county_yz)) == ["李四"]
    assert names(StudentPolicy.visible_to(world.city_ty)) == ["张三", "李四", "赵五"]
    assert names(StudentPolicy.visible_to(world.city_dt)) == []
    assert names(StudentPolicy.visible_to(world.province_officer)) == ["张三", "李四", "赵五"]
    assert names(StudentPolicy.visible_to(world.auditor)) == []


def test_schools_and_divisions_follow_the_tree(world, students):
    assert set(SchoolPolicy.visible_to(world.county_xd).values_list("code", flat=True)) == {
        world.school_a.pk, world.school_a2.pk}
    assert world.high in SchoolPolicy.visible_to(world.city_ty)
    assert set(DivisionPolicy.visible_to(world.city_ty).values_list("code", flat=True)) == {
        "140100", "140105", "140106"}


def test_reading_outside_the_jurisdiction_is_404_and_logged(world, students):
    target = students["a"]
    with pytest.raises(NotFound):
        find_student(world.county_yz, str(target.pk))
    denied = AuditEvent.objects.get(action="student.view", outcome="denied")
    assert denied.actor_username == "yz" and denied.object_id == str(target.pk)
    assert find_student(world.county_xd, str(target.pk)).pk == target.pk
    assert AuditEvent.objects.filter(action="student.view", outcome="ok", actor_username="xd").exists()


def test_search_by_name_number_and_id_stays_inside(world, students):
    a = students["a"]
    assert names(search_students(world.county_xd, "张")) == ["张三"]
    assert names(search_students(world.county_xd, a.id_number)) == ["张三"]
    assert names(search_students(world.county_yz, a.id_number)) == []
    assert names(search_students(world.county_yz, "张")) == []

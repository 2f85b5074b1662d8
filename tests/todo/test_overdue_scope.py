"""The county's to-do items of records (registrations past the deadline, suspensions run out) are read through the
county's own schools (issue #15: the navigation counts them on every page), and stay exactly the county's."""

import pytest

from xueji.applications import services
from xueji.todo.registry import Filters
from xueji.todo.selectors import todo_count, todo_page

pytestmark = pytest.mark.django_db


def kinds(user) -> list[tuple[str, str]]:
    return sorted((i.kind, i.title.split("·")[0]) for i in todo_page(user, Filters())[1])


def test_a_county_sees_its_own_overdue_records_and_not_another_countys(world, work):
    work.late_student(name="逾期生")
    work.expired_suspension(name="王休")
    mine = [("registration_overdue", "逾期生"), ("suspension_expired", "王休")]
    assert [k for k in kinds(world.county_xd) if k[0] != "step"] == mine
    assert todo_count(world.county_xd) == len(kinds(world.county_xd))
    assert [k for k in kinds(world.county_yz) if k[0] != "step"] == []


def test_a_late_record_with_its_registration_under_way_is_not_overdue(world, work):
    late = work.late_student(name="逾期生")
    assert ("registration_overdue", "逾期生") in kinds(world.county_xd)
    services.submit(world.registrar_a, "registration", late)
    assert ("registration_overdue", "逾期生") not in kinds(world.county_xd)

import datetime
import pytest
from xueji.applications import services
from xueji.students.models import Student
from xueji.todo.selectors import todo_page, todo_count
from xueji.todo.registry import Filters

pytestmark = pytest.mark.django_db

def test_smoke(world, make_student):
    s = make_student(name="张小红")
    old = make_student(name="李四")
    Student.objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(days=40))
    services.submit(world.registrar_a, "registration", s)
    print(todo_page(world.leader_a, Filters()))
    print(todo_page(world.registrar_a, Filters()))
    print(todo_page(world.county_xd, Filters(grade=1)))
    print(todo_count(world.county_yz))

"""The import never changes a grade (第二十三条): a row for a student already here, in another grade, is refused
naming the article, and nothing moves."""

from tests.intake.conftest import pupil
from tests.intake.test_import_services import check, commit
from xueji.students.models import Student
from xueji.students.numbers import issue_number


def test_a_row_moving_a_student_here_to_another_grade_names_article_23(world, make_student):
    here = make_student()
    issue_number(here)
    batch = check(world, [pupil(1, id_number=here.id_number, birth=here.birth_date, gender=here.gender, grade=2)])
    errors = {e["code"]: e for e in batch.errors if e["row"] == 2}
    assert "already_in_school" in errors
    assert errors["controlled_field"]["article"] == "第二十三条" and "不允许留级" in errors["controlled_field"]["message"]
    commit(world, batch)
    here.refresh_from_db()
    assert here.grade == 1 and Student.objects.filter(id_number=here.id_number).count() == 1


def test_a_row_for_a_student_here_in_the_same_grade_names_only_article_14(world, make_student):
    here = make_student()
    batch = check(world, [pupil(1, id_number=here.id_number, birth=here.birth_date, gender=here.gender)])
    assert [e["code"] for e in batch.errors if e["row"] == 2] == ["already_in_school"]

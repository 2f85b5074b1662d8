"""Actors and helpers for visiting study: the home school (school_a, 小店区) and the host school (school_b,
迎泽区) with their leaders, host classes, a third county's officer, an enrolled student and proof scans."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.students import numbers
from xueji.students.models import Student

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
START = datetime.date.today()
END = START + datetime.timedelta(days=300)
# The common proofs of 第二十六条 and the unit proof that parents_field_work asks for.
PROOFS = ("visiting_form", "home_school_proof", "relative_hukou", "basic_info_copy", "guardian_unit_proof")


def scan(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def identity(student) -> dict:
    return {"student_number": student.student_number, "name": student.name, "id_number": student.id_number}


def form(student, host_class, *, proofs=PROOFS, **extra) -> dict:
    """The multipart body of POST /api/v1/visiting (and of the page's submit stage)."""
    body = {**identity(student), "visiting_reason": "parents_field_work", "starts_on": START.isoformat(),
            "ends_on": END.isoformat(), "host_class": str(host_class.pk), "reason": "父母在野外工作"}
    body.update({f"evidence.{kind}": scan(f"{kind}.pdf") for kind in proofs})
    body.update(extra)
    return body


@pytest.fixture
def people(world):
    w = world
    w.leader_b = f.user("lead_b", "leader", school=w.school_b)
    w.county_pc = f.user("pc", "county", division=w.pingcheng)
    w.host3 = f.school_class(w.school_b, grade=3, name="三(1)班")
    w.host4 = f.school_class(w.school_b, grade=4, name="四(1)班")
    w.home3 = f.school_class(w.school_a, grade=3, name="三(2)班")
    return w


@pytest.fixture
def enrolled(people, make_student):
    """A 在籍 third-grader of school_a with his G number, seated in his home class."""

    born = iter(range(1000))

    def make(school=None, school_class=None, **overrides):
        overrides.setdefault("grade", 3)
        # A birth date of its own keeps the ID numbers of a full class distinct (第十四条 refuses duplicates).
        overrides.setdefault("birth", datetime.date(2015, 1, 1) + datetime.timedelta(days=next(born)))
        student = make_student(school=school or people.school_a, **overrides)
        Student.objects.filter(pk=student.pk).update(status="在籍", school_class=school_class or people.home3)
        student.refresh_from_db()
        numbers.issue_number(student)
        student.refresh_from_db()
        return student

    return make

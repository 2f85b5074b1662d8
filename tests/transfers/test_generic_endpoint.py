"""The contract's POST /api/v1/applications also starts a transfer at the receiving school: the student is named
by number, name and ID number, as on the transfers router."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.transfers.conftest import MOVE, PDF

pytestmark = pytest.mark.django_db


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def body(student, **extra):
    return {"type": "transfer", "student": student.student_number, "name": student.name,
            "id_number": student.id_number, **MOVE, "to_grade": str(student.grade), "reason": "家长工作调动",
            "proof_transfer_form": pdf("附件8.pdf"), "proof_work_change": pdf("务工证明.pdf"), **extra}


def test_receiving_school_files_a_transfer_through_the_generic_endpoint(people, enrolled, api_for):
    student = enrolled()
    response = api_for(people.registrar_b).post("/api/v1/applications", data=body(student))
    assert response.status_code == 201, response.json()
    app = response.json()
    assert (app["type"], app["school"]) == ("transfer", people.school_b.pk)
    assert [s["role"] for s in app["steps"]] == ["leader", "county", "leader", "county"]


def test_a_wrong_identity_is_404_and_a_different_grade_is_422(people, enrolled, api_for):
    student = enrolled()
    response = api_for(people.registrar_b).post("/api/v1/applications", data=body(student, name="张冒名"))
    assert response.status_code == 404
    response = api_for(people.registrar_b).post("/api/v1/applications", data=body(student, to_grade="4"))
    assert response.status_code == 422
    assert any(e["article"] == "第二十条" for e in response.json()["errors"])

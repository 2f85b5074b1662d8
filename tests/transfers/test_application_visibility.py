"""One student's applications are checked row by row (ApplicationPolicy.visible_among) rather than by gathering
the jurisdiction's every application (visible_to): both must answer alike for every kind of reader, including the
sending and the receiving side of a transfer between counties (issue #15: the record page's applications)."""

import pytest

from tests.transfers.conftest import MOVE, proofs
from xueji.applications import services as engine
from xueji.applications.models import Application
from xueji.applications.permissions import ApplicationPolicy
from xueji.applications.selectors import list_applications
from xueji.transfers import services

pytestmark = pytest.mark.django_db


def test_row_by_row_and_whole_set_agree_for_every_reader(people, enrolled, make_student):
    w = people
    moved = enrolled()
    transfer = services.start_transfer(w.registrar_b, student_number=moved.student_number, name=moved.name,
                                       id_number=moved.id_number, payload={**MOVE, "to_grade": 3}, evidence=proofs())
    engine.approve(w.leader_b, transfer.pk)  # pending at 迎泽区, with steps waiting at 小店区
    other = make_student(school=w.school_b, name="李四")
    readers = [w.registrar_a, w.leader_a, w.registrar_b, w.leader_b, w.registrar_a2, w.county_xd, w.county_yz,
               w.county_pc, w.city_ty, w.city_dt, w.province_officer, w.auditor]
    seen_somewhere = set()
    for student in (moved, other):
        theirs = Application.objects.filter(student=student)
        for reader in readers:
            whole = set(ApplicationPolicy.visible_to(reader).filter(student=student).values_list("pk", flat=True))
            rows = set(ApplicationPolicy.visible_among(reader, theirs).values_list("pk", flat=True))
            assert rows == whole, (reader.username, student.name)
            seen_somewhere |= rows
    assert transfer.pk in seen_somewhere
    # The sending county sees the transfer (its step), the third county and another city do not.
    assert transfer.pk in {a.pk for a in list_applications(w.county_xd, student=moved)}
    assert transfer.pk in {a.pk for a in list_applications(w.county_yz, student=moved)}
    assert not list_applications(w.county_pc, student=moved) and not list_applications(w.city_dt, student=moved)

"""What the record says of a student, in the plain terms the change rules take (xueji.policy.changes.common).

The discipline measures are read through the record's own relation (student.disciplines), so the record needs no
import of the archive that keeps them; the archive's selectors use the same test of "in force".
"""

import datetime

from django.db.models import Q

from xueji.policy.changes.common import StudentFacts


def discipline_in_force(on: datetime.date) -> Q:
    """Measures decided by `on`, not yet expired and neither revoked nor (留校察看) lifted by then."""
    return (Q(decided_on__lte=on)
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
            & (Q(lifted_on__isnull=True) | Q(lifted_on__gt=on)))


def student_facts(student, on: datetime.date) -> StudentFacts:
    return StudentFacts(
        grade=student.grade,
        status=student.status,
        under_discipline=student.disciplines.filter(discipline_in_force(on)).exists(),
        disabled=student.disability_type not in ("", "0"),
    )

"""The one read of the student table a public query makes: by the ID (indexed) or by a number (primary key)."""

from xueji.students.models import Student, StudentNumber

from .inputs import LookupQuery

# Records of one person under one ID: a record awaiting registration and an earlier record of a student who came
# back from abroad (第三十条). A handful at most; the newest numbered one is the person's current record.
_AT_MOST = 5


def candidate(query: LookupQuery) -> Student | None:
    """The record the ID or number names (its name still to be compared), or None."""
    if query.by == "student_number":
        # Every number ever issued, earlier L numbers included: a family may still hold an old slip.
        issued = StudentNumber.objects.select_related("student__school").filter(number=query.value).first()
        return issued.student if issued else None
    records = list(Student.objects.select_related("school").filter(id_number=query.value)
                   .order_by("-id")[:_AT_MOST])
    numbered = [r for r in records if r.student_number]
    return (numbered or records or [None])[0]

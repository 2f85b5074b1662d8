"""Certificate numbers: unit code + school year + kind + a running number, unique for ever.

A batch draws its whole range in one locked step on the unit's sequence row, so a city's 30,000 graduates get
their numbers in one UPDATE, and two approvals at the same moment never share one.
"""

from django.db import transaction

from .models import CertificateSequence

KIND_CODES = {"毕业": "B", "结业": "J", "肄业": "Y", "学历证明": "Z"}


def format_number(unit_code: str, kind: str, school_year: int, seq: int) -> str:
    return f"{unit_code}{school_year}{KIND_CODES[kind]}{seq:06d}"


def draw(unit_code: str, kind: str, school_year: int, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers; call inside the transaction that stores the certificates."""
    if count <= 0:
        return []
    with transaction.atomic():
        CertificateSequence.objects.get_or_create(unit_code=unit_code, kind=kind, school_year=school_year)
        row = CertificateSequence.objects.select_for_update().get(unit_code=unit_code, kind=kind,
                                                                   school_year=school_year)
        first = row.last + 1
        row.last += count
        row.save(update_fields=["last"])
    return [format_number(unit_code, kind, school_year, seq) for seq in range(first, first + count)]

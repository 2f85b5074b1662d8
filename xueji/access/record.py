"""The whole record as a grant holder reads it (第四十四条: approved, registered): every item of the record and
of the family, with full numbers, since the approval is the reason the ID would otherwise be asked for."""

from django.db import models

from xueji.students.models import FamilyMember, Student

SKIP = {"id", "photo", "created_by", "earlier_record", "school_class", "school", "created_at", "updated_at"}


def _value(obj, f: models.Field):
    value = getattr(obj, f.attname)
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)


def _items(obj, model) -> list[tuple[str, str, object]]:
    return [(f.name, str(f.verbose_name), _value(obj, f)) for f in model._meta.concrete_fields
            if f.name not in SKIP and f.name != "student" and f.name != "position"]


def record_rows(student: Student) -> tuple[list, list[list]]:
    """(items of the record, items of each family member), as (name, label, value)."""
    family = [_items(m, FamilyMember) for m in student.family.all()]
    return _items(student, Student), family


def record_json(student: Student) -> dict:
    items, family = record_rows(student)
    body = {name: value for name, _label, value in items}
    body |= {"key": student.key, "school": student.school_id, "school_name": student.school.name,
             "class": student.school_class.name if student.school_class_id else None,
             "family": [{name: value for name, _label, value in member} for member in family]}
    return body

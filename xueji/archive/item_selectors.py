"""Reads of the student archive: its items with their corrections, the certificates it holds (the rows of
xueji.certificates themselves, not copies) and the paper folder's location and moves. Callers have checked that
the user may read the student (StudentPolicy "view")."""

from django.db.models import QuerySet

from xueji.certificates.models import Certificate
from xueji.core.errors import NotFound
from xueji.students.permissions import StudentPolicy

from .item_models import ArchiveItem, ArchiveLocation


def items_of(student) -> QuerySet[ArchiveItem]:
    """Every item, superseded ones included (the page marks them)."""
    return (ArchiveItem.objects.filter(student=student)
            .select_related("school", "recorded_by", "certificate", "superseded_by"))


def certificates_of(student) -> QuerySet[Certificate]:
    return Certificate.objects.filter(student=student).select_related("school")


def locations_of(student) -> QuerySet[ArchiveLocation]:
    return ArchiveLocation.objects.filter(student=student).select_related("school", "recorded_by")


def current_location(student) -> ArchiveLocation | None:
    return locations_of(student).order_by("-recorded_at", "-id").first()


def is_superseded(item: ArchiveItem) -> bool:
    try:
        return item.superseded_by is not None
    except ArchiveItem.DoesNotExist:
        return False


def find_item(user, item_id, *, purpose: str = "view") -> ArchiveItem:
    """One item, if the user may read its student; otherwise NotFound (absent and outside look the same)."""
    item = None
    if str(item_id).isdigit():
        item = ArchiveItem.objects.select_related("student", "school").filter(pk=int(item_id)).first()
    if item is None or not StudentPolicy.user_can(user, "view", item.student):
        raise NotFound("未找到该档案材料,或不在您的管辖范围内", actor=user, action=f"archive_item.{purpose}",
                       object_type="archiveitem", object_id=item_id)
    return item

"""Reads of import batches and suspected duplicates through their jurisdiction policies."""

from django.db.models import QuerySet

from xueji.core.errors import Forbidden, NotFound
from xueji.core.inputs import parse_id
from xueji.core.masking import mask_id, mask_student_number
from xueji.orgs.permissions import SchoolPolicy
from xueji.students.models import Student
from xueji.students.permissions import StudentPolicy

from .models import DuplicateCase, ImportBatch
from .permissions import DuplicateCasePolicy, ImportBatchPolicy


def batches_for(user, school=None) -> QuerySet[ImportBatch]:
    qs = ImportBatchPolicy.visible_to(user).select_related("school", "uploaded_by", "committed_by")
    return qs.filter(school=school) if school is not None else qs


def find_batch(user, batch_id) -> ImportBatch:
    """The batch if the user may see it; otherwise NotFound, and the attempt is logged."""
    batch = batches_for(user).filter(pk=parse_id(batch_id)).first() if parse_id(batch_id) else None
    if batch is None:
        raise NotFound("未找到该导入批次,或不在您的管辖范围内",
                       actor=user, action="intake.view", object_type="importbatch", object_id=str(batch_id))
    return batch


def require_case_role(user) -> None:
    if not DuplicateCasePolicy.may_use(user):
        raise Forbidden("疑似重复学籍由县、市学籍主管部门认定")


def cases_for(user, status: str | None = None) -> QuerySet[DuplicateCase]:
    require_case_role(user)
    qs = DuplicateCasePolicy.visible_to(user).select_related("student", "existing", "school", "authority",
                                                             "decided_by", "batch")
    return qs.filter(status=status) if status else qs


def find_case(user, case_id) -> DuplicateCase:
    require_case_role(user)
    case = cases_for(user).filter(pk=parse_id(case_id)).first() if parse_id(case_id) else None
    if case is None:
        raise NotFound("未找到该疑似重复记录,或不在您的管辖范围内",
                       actor=user, action="duplicate.view", object_type="duplicatecase", object_id=str(case_id))
    return case


def record_view(user, student: Student) -> dict:
    """What a case shows of one record: the school and the link only where the officer may read the record
    (第十四条: the other record is revealed no further than the reader's jurisdiction)."""
    visible = StudentPolicy.user_can(user, "view", student)
    school = student.school.name if SchoolPolicy.user_can(user, "view", student.school) else "省内其他学校"
    return {
        "id": student.pk,
        "key": student.key if visible else None,
        "name": student.name,
        "gender": student.gender,
        "birth_date": student.birth_date,
        "id_number": mask_id(student.id_number),
        "student_number": mask_student_number(student.student_number) if visible else None,
        "status": student.status,
        "school": school,
        "grade": student.grade,
        "visible": visible,
    }

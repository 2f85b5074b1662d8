"""Jurisdiction over certificates: a school's register is read by the users whose subtree holds the issuing
school; one student's certificates by whoever may read the student (the record follows the person, 第四条)."""

from xueji.core.jurisdiction import school_scope
from xueji.policy.province import get_policy
from xueji.students.permissions import StudentPolicy

from .models import Certificate

OFFICERS = ("county", "city")


def authority_of(certificate: Certificate):
    """The 学籍主管部门 of the issuing school for the certificate's stage: the one who seals (第三十八条)."""
    last_grade = get_policy().stage_grades[certificate.stage][1]
    return certificate.school.authority_for(last_grade)


class CertificatePolicy:
    @staticmethod
    def visible_to(user):
        return Certificate.objects.filter(school_scope(user, prefix="school__"))

    @staticmethod
    def user_can(user, action: str, certificate: Certificate) -> bool:
        readable = (CertificatePolicy.visible_to(user).filter(pk=certificate.pk).exists()
                    or StudentPolicy.user_can(user, "view", certificate.student))
        if not readable:
            return False
        if action in ("view", "print"):
            return True
        if action == "second_proof":
            # 第三十八条 原则上只能办理一次: only the sealing authority may record why another is needed.
            return user.role in OFFICERS and user.division_id == authority_of(certificate).pk
        return False

    @staticmethod
    def may_read_register(user, school) -> bool:
        from xueji.orgs.permissions import SchoolPolicy

        return user.role != "auditor" and SchoolPolicy.user_can(user, "view", school)

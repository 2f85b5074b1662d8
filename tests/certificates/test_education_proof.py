"""学历证明 (第三十八条): issued by the graduating school, effective only once the authority seals it, once per
certificate unless the authority records why another is needed."""

import pytest

from xueji.applications import services
from xueji.certificates.models import Certificate
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.policy.certificates import ProofFacts, check_proof

from .conftest import walk


def _proofs(original):
    return Certificate.objects.filter(proves=original, kind="学历证明")


def test_sealing_by_the_authority_makes_the_proof_effective(people, completed):
    w = people
    original = completed()
    app = services.submit(w.registrar_high, "education_proof", original.student, {"certificate": original.number})
    # The city seals a city-run high school's certificates (第三条): one step, the authority's 验印.
    assert [(s.role, s.org_code) for s in app.steps.all()] == [("city", w.taiyuan.pk)]
    assert not _proofs(original).exists()  # filed, not effective: no 学历证明 exists before the seal
    with pytest.raises(Forbidden):  # the school cannot seal its own paper
        services.approve(w.leader_high, app.pk)
    walk(app, w.city_ty)
    proof = _proofs(original).get()
    assert proof.sealed_by == w.city_ty and proof.sealed_on and proof.issued_by == w.registrar_high
    assert proof.school == w.high and proof.stage == "senior" and "Z" in proof.number and proof.stub_archived
    original.student.refresh_from_db()
    assert original.student.status == "结业"  # a proof changes no status


def test_second_proof_refused_to_the_school_and_allowed_with_the_authoritys_reason(people, completed):
    w = people
    original = completed()
    student = original.student
    walk(services.submit(w.registrar_high, "education_proof", student, {"certificate": original.number}), w.city_ty)
    with pytest.raises(RuleViolation) as caught:
        services.submit(w.registrar_high, "education_proof", student,
                        {"certificate": original.number, "second_reason": "学校说再丢了一次"})
    assert (caught.value.violations[0].code, caught.value.violations[0].article) == ("proof_once_only", "第三十八条")
    with pytest.raises(RuleViolation) as caught:
        services.submit(w.city_ty, "education_proof", student, {"certificate": original.number})
    assert (caught.value.violations[0].code, caught.value.violations[0].article) == ("proof_reason_required",
                                                                                      "第三十八条")
    app = services.submit(w.city_ty, "education_proof", student,
                          {"certificate": original.number, "second_reason": "原学历证明在火灾中焚毁,有消防部门证明"})
    walk(app, w.city_ty)
    assert _proofs(original).count() == 2
    second = _proofs(original).latest("id")
    assert second.reason.startswith("原学历证明在火灾中焚毁") and second.sealed_by == w.city_ty


def test_the_first_proof_is_the_schools_and_other_authorities_cannot_start(people, completed):
    w = people
    original = completed()
    with pytest.raises(RuleViolation) as caught:
        services.submit(w.city_ty, "education_proof", original.student,
                        {"certificate": original.number, "second_reason": "x"})
    assert caught.value.violations[0].code == "proof_school_issues"
    with pytest.raises(NotFound):  # another city, and a county that does not oversee the city-run school
        services.submit(w.city_dt, "education_proof", original.student, {"certificate": original.number})
    with pytest.raises(NotFound):
        services.submit(w.county_xd, "education_proof", original.student, {"certificate": original.number})


def test_proof_needs_a_certificate_of_this_student(people, completed):
    w = people
    original, other = completed(), completed()
    for payload in ({}, {"certificate": "NOPE"}, {"certificate": other.number}):
        with pytest.raises(RuleViolation) as caught:
            services.submit(w.registrar_high, "education_proof", original.student, payload)
        assert (caught.value.violations[0].code, caught.value.violations[0].article) == ("proof_no_certificate",
                                                                                          "第三十八条")


def test_the_policy_rule_reads_the_provinces_limit():
    assert check_proof(ProofFacts("毕业", 0, "school")) == []
    assert check_proof(ProofFacts("学历证明", 0, "school"))[0].code == "proof_no_certificate"
    assert check_proof(ProofFacts("肄业", 1, "authority", "  "))[0].code == "proof_reason_required"
    assert check_proof(ProofFacts("肄业", 1, "authority", "理由")) == []
    assert check_proof(ProofFacts("结业", 0, "other"))[0].code == "proof_wrong_starter"

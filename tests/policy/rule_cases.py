"""The shape every rule table of xueji/policy/changes is tested in: for each rule code and article, one call the
rule allows and one it refuses (or flags), the refusal naming its article."""

import pytest

from xueji.policy.violations import ERROR


def case(code, article, allowed, refused, severity=ERROR):
    # A code may be refused under two articles (e.g. 第二十九条 and 第四十一条): the id names both parts.
    return pytest.param(code, article, allowed, refused, severity, id=f"{code}-{article}")


def check_case(code, article, allowed, refused, severity) -> None:
    ok = allowed()
    assert code not in [v.code for v in ok]
    assert [v for v in ok if v.is_error] == []
    hits = [v for v in refused() if v.code == code]
    assert hits, f"{code} not raised"
    for hit in hits:
        assert hit.article == article and hit.severity == severity
        if article:
            assert f"({article})" in hit.message


def check_coverage(cases, rules) -> None:
    """Every (code, article) of the module's RULES table has its case: a rule without a test fails here."""
    covered = {(p.values[0], p.values[1]) for p in cases}
    assert covered == {(code, art) for code, arts in rules.items() for art in (arts or (None,))}

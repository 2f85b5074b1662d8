"""The term every semester test reports on: the one today is in, by the registry's one rule."""

import datetime

import pytest

from xueji.policy.terms import term_of

TODAY = datetime.date.today()
YEAR, TERM = term_of(TODAY)


@pytest.fixture
def term():
    return {"school_year": YEAR, "term": TERM}

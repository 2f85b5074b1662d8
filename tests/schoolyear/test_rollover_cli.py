"""`xueji rollover YEAR` and `xueji rollover verify YEAR`."""

import io

import pytest
from django.core.management import CommandError, call_command

from xueji.schoolyear.models import Promotion


def test_the_command_runs_the_year_and_verifies_it(world, year, pupil):
    kid = pupil(4)
    out = io.StringIO()
    call_command("rollover", str(year), stdout=out)
    kid.refresh_from_db()
    assert kid.grade == 5 and "升级 1 人" in out.getvalue()
    call_command("rollover", "verify", str(year), stdout=out)
    assert "核验通过" in out.getvalue()
    Promotion.objects.update(to_grade=9)
    with pytest.raises(CommandError, match="核验未通过"):
        call_command("rollover", "verify", str(year))


def test_the_command_refuses_a_year_without_terms(world):
    from xueji.schoolyear.services import current_school_year

    with pytest.raises(CommandError, match="学期日期尚未设置"):
        call_command("rollover", str(current_school_year() + 1))

"""DivisionPolicy.shows (asked of a loaded division, no query) says exactly what DivisionPolicy.visible_to says."""

import pytest

from tests import factories as f
from xueji.orgs.models import Division
from xueji.orgs.permissions import DivisionPolicy


@pytest.mark.django_db
def test_shows_agrees_with_the_query_for_every_role_and_level(world):
    city_auditor = f.user("aud_ty", "auditor", division=world.taiyuan)
    county_auditor = f.user("aud_xd", "auditor", division=world.xiaodian)
    inactive = f.user("xd_off", "county", division=world.xiaodian)
    inactive.is_active = False
    inactive.save()
    guardian = f.user("parent1", "guardian")
    users = [world.registrar_a, world.leader_a, world.county_xd, world.county_yz, world.city_ty, world.city_dt,
             world.province_officer, world.auditor, city_auditor, county_auditor, inactive, guardian]
    divisions = list(Division.objects.select_related("parent__parent"))
    assert {d.level for d in divisions} == {"province", "city", "county"}
    for user in users:
        visible = set(DivisionPolicy.visible_to(user).values_list("code", flat=True))
        for division in divisions:
            assert DivisionPolicy.shows(user, division) == (division.code in visible), (user.username, division)


@pytest.mark.django_db
def test_a_county_officer_sees_his_county_linked_and_the_levels_above_unlinked(world, client_for, make_student):
    student = make_student()
    crumbs = client_for(world.county_xd).get(f"/students/{student.key}/").context["crumbs"]
    linked = {c["label"]: bool(c["url"]) for c in crumbs}
    assert linked[world.xiaodian.name] is True
    assert linked[world.taiyuan.name] is False and linked[world.province.name] is False

"""SchoolPolicy.visible_codes: the schools of the user's jurisdiction, read once per user object (a page asks it
for its list and for the navigation's count), and read again when the account's scope changes."""

from xueji.orgs.permissions import SchoolPolicy


def test_a_county_has_its_own_schools_and_not_the_city_run_one_standing_in_it(world):
    assert sorted(SchoolPolicy.visible_codes(world.county_xd)) == [world.school_a.pk, world.school_a2.pk]
    assert sorted(SchoolPolicy.visible_codes(world.city_ty)) == sorted(
        [world.school_a.pk, world.school_a2.pk, world.school_b.pk, world.high.pk])
    assert SchoolPolicy.visible_codes(world.registrar_b) == [world.school_b.pk]
    assert SchoolPolicy.visible_codes(world.auditor) == []


def test_asked_again_for_the_same_user_it_reads_nothing(world, django_assert_num_queries):
    first = SchoolPolicy.visible_codes(world.county_xd)
    with django_assert_num_queries(0):
        again = SchoolPolicy.visible_codes(world.county_xd)
    assert again == first
    again.append("9999999999")  # a caller's copy: changing it changes nothing kept
    assert SchoolPolicy.visible_codes(world.county_xd) == first


def test_a_changed_scope_is_read_afresh(world):
    user = world.county_xd
    assert world.school_b.pk not in SchoolPolicy.visible_codes(user)
    user.division = world.yingze
    assert SchoolPolicy.visible_codes(user) == [world.school_b.pk]
    user.is_active = False
    assert SchoolPolicy.visible_codes(user) == []

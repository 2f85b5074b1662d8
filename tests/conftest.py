"""Named actors on a small piece of Shanxi: two counties of 太原市, their schools and officers.

Tests speak of "the registrar of school A" or "the 迎泽区 officer" rather than of ids, so a reader sees who
may do what.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from tests import factories as f


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The process cache outlives a test (the navigation's counts are cached per user id, and ids repeat across
    # tests whose rows were rolled back): each test starts with an empty one.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    """Every test writes and reads the audit chain's external anchor in its own temporary file, never the
    checkout's: a chain check in a web test otherwise met the checkpoints a local benchmark had signed there."""
    settings.XUEJI_AUDIT_ANCHOR_FILE = str(tmp_path / "audit" / "checkpoints.log")
    return tmp_path / "audit" / "checkpoints.log"


@pytest.fixture
def world(db):
    province = f.division("140000", "山西省", "province")
    taiyuan = f.division("140100", "太原市", "city", province)
    datong = f.division("140200", "大同市", "city", province)
    xiaodian = f.division("140105", "小店区", "county", taiyuan)
    yingze = f.division("140106", "迎泽区", "county", taiyuan)
    pingcheng = f.division("140213", "平城区", "county", datong)
    school_a = f.school("1114010501", "太原市小店区坞城路小学", "211", xiaodian)
    school_a2 = f.school("1114010502", "太原市小店区第一中学", "311", xiaodian)
    school_b = f.school("1114010601", "太原市迎泽区新建路小学", "211", yingze)
    high = f.school("3114010001", "太原市第五中学", "342", xiaodian, city_run=True, provincial_model=True)
    w = SimpleNamespace(
        province=province, taiyuan=taiyuan, datong=datong, xiaodian=xiaodian, yingze=yingze,
        pingcheng=pingcheng, school_a=school_a, school_a2=school_a2, school_b=school_b, high=high,
    )
    w.registrar_a = f.user("reg_a", "registrar", school=school_a)
    w.leader_a = f.user("lead_a", "leader", school=school_a)
    w.registrar_a2 = f.user("reg_a2", "registrar", school=school_a2)
    w.registrar_b = f.user("reg_b", "registrar", school=school_b)
    w.registrar_high = f.user("reg_high", "registrar", school=high)
    w.county_xd = f.user("xd", "county", division=xiaodian)
    w.county_yz = f.user("yz", "county", division=yingze)
    w.city_ty = f.user("ty", "city", division=taiyuan)
    w.city_dt = f.user("dt", "city", division=datong)
    w.province_officer = f.user("sx", "province", division=province)
    w.auditor = f.user("aud", "auditor", division=province)
    w.class_a1 = f.school_class(school_a, grade=1, name="1班")
    return w


@pytest.fixture
def make_student(world):
    """Create a record through the service, as the school's registrar would."""
    from xueji.students.services import create_student

    def make(school=None, actor=None, **overrides):
        school = school or world.school_a
        actor = actor or {
            world.school_a.pk: world.registrar_a,
            world.school_a2.pk: world.registrar_a2,
            world.school_b.pk: world.registrar_b,
            world.high.pk: world.registrar_high,
        }[school.pk]
        return create_student(actor, school, f.student_payload(**overrides))

    return make


def login_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return login_client


@pytest.fixture
def api_for(db):
    """A JSON client carrying a bearer token of the given user."""
    from xueji.accounts.services import issue_token

    def make(user):
        key, _ = issue_token(user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make

"""附件1 学校基本信息表 and 附件2 校区基本信息表: the tree's facts and the school's own items in the national order;
the school's registrar keeps its items current (audited); bad items are refused naming the field and 第六条."""

from xueji.audit.models import AuditEvent
from xueji.registers import school_info

from .conftest import API, sheet_rows


def test_the_registrar_fills_the_schools_items_and_the_form_shows_them(world, api_for):
    client = api_for(world.registrar_a)
    saved = client.put(f"{API}/schools/{world.school_a.pk}/school-info",
                       {"principal": "赵校长", "postcode": "030006", "urban_rural": "111", "primary_years": 6},
                       content_type="application/json")
    assert saved.status_code == 200, saved.content.decode()
    row = saved.json()["tables"][0]["rows"][0]
    assert list(row) == list(school_info.SCHOOL_HEADERS)
    assert (row["学校标识码"], row["校长姓名"], row["邮政编码"], row["学校驻地城乡类型"], row["小学学制(年)"]) == (
        world.school_a.pk, "赵校长", "030006", "主城区", "6")
    assert AuditEvent.objects.filter(action="registers.school_info", actor=world.registrar_a).exists()
    book = client.get(f"{API}/schools/{world.school_a.pk}/registers/school?format=xlsx")
    rows = sheet_rows(book)
    assert rows[1] == list(school_info.SCHOOL_HEADERS) and rows[2][0] == world.school_a.pk


def test_bad_items_are_refused_with_the_field_and_the_article(world, api_for):
    refused = api_for(world.registrar_a).put(f"{API}/schools/{world.school_a.pk}/school-info",
                                             {"postcode": "0300", "founded": "19561"}, content_type="application/json")
    assert refused.status_code == 422
    assert {(e["field"], e["article"]) for e in refused.json()["errors"]} == {("postcode", "第六条"),
                                                                            ("founded", "第六条")}


def test_campuses_are_listed_with_their_items(world, api_for):
    campus = world.school_a.campuses.get()
    client = api_for(world.registrar_a)
    saved = client.put(f"{API}/schools/{world.school_a.pk}/campuses/{campus.pk}/info", {"head": "钱主任"},
                       content_type="application/json")
    assert saved.status_code == 200, saved.content.decode()
    row = saved.json()["tables"][0]["rows"][0]
    assert list(row) == list(school_info.CAMPUS_HEADERS) and (row["校区名称"], row["校区负责人"]) == ("主校区", "钱主任")
    other = world.school_b.campuses.get()
    assert client.put(f"{API}/schools/{world.school_a.pk}/campuses/{other.pk}/info", {"head": "x"},
                      content_type="application/json").status_code == 404


def test_outsiders_neither_read_nor_write(world, api_for):
    for outsider in (world.registrar_b, world.county_yz, world.city_dt):
        client = api_for(outsider)
        for kind in ("school", "campuses", "movements", "admissions"):
            assert client.get(f"{API}/schools/{world.school_a.pk}/registers/{kind}").status_code == 404
        assert client.put(f"{API}/schools/{world.school_a.pk}/school-info", {"principal": "x"},
                          content_type="application/json").status_code == 404
    # The school's leader reads the form but the items are the registrar's or the bureau's to keep.
    assert api_for(world.leader_a).put(f"{API}/schools/{world.school_a.pk}/school-info", {"principal": "x"},
                                       content_type="application/json").status_code == 403

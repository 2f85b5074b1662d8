"""The student archive's items (第十一条): filed with a checked scan, read by whoever reads the record, corrected
by superseding (never deleted); the paper folder's location and its moves; the school archive page (第六条)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xueji.archive.item_models import ArchiveItem, ArchiveLocation
from xueji.audit.models import AuditEvent
from xueji.certificates.models import Certificate

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def scan(content=PDF, name="scan.pdf"):
    return SimpleUploadedFile(name, content)


def file(client, pupil, **fields):
    body = {"kind": "health", "title": "2026年秋季体检", "dated_on": TODAY, "file": scan(), **fields}
    return client.post(f"/api/v1/students/{pupil.student_number}/archive/items", body)


def test_items_are_filed_and_read_by_record_readers_only(world, pupil, api_for):
    created = file(api_for(world.registrar_a), pupil, summary="视力 5.0", file=scan(PNG, "体检.png"))
    assert created.status_code == 201, created.content.decode()
    item = created.json()
    assert (item["kind_label"], item["content_type"], item["school"]) == ("健康与预防接种记录", "image/png",
                                                                          world.school_a.pk)
    for reader in (world.county_xd, world.city_ty, world.registrar_a):
        listed = api_for(reader).get(f"/api/v1/students/{pupil.student_number}/archive")
        assert listed.status_code == 200 and [i["title"] for i in listed.json()["items"]] == ["2026年秋季体检"]
    scan_body = api_for(world.county_xd).get(item["scan_url"])
    assert scan_body.status_code == 200 and b"".join(scan_body.streaming_content) == PNG
    for outsider in (world.registrar_b, world.county_yz, world.city_dt):
        assert api_for(outsider).get(f"/api/v1/students/{pupil.student_number}/archive").status_code == 404
        assert api_for(outsider).get(item["scan_url"]).status_code == 404
    assert file(api_for(world.registrar_b), pupil).status_code == 404
    assert file(api_for(world.leader_a), pupil).status_code == 403
    assert file(api_for(world.county_xd), pupil).status_code == 403
    assert AuditEvent.objects.filter(action="archive_item.scan", actor=world.county_xd).count() == 1


@pytest.mark.parametrize("fields, code, article", [
    ({"kind": "credits"}, "archive_kind_stage", "第三十五条"),
    ({"kind": "medals"}, "archive_kind", "第十一条"),
    ({"file": scan(b"<html><script>alert(1)</script>", "scan.pdf")}, "evidence_type", None),
    ({"file": scan(PDF + b"1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj", "x.pdf")}, "evidence_active", None),
    ({"file": scan(b"", "empty.pdf")}, "file_empty", None),
    ({"dated_on": "2026-13-01"}, "invalid_date", None),
    ({"dated_on": "2001-01-01"}, "archive_date", None),
])
def test_bad_items_are_refused_with_the_field_and_nothing_is_written(world, pupil, api_for, fields, code, article):
    response = file(api_for(world.registrar_a), pupil, **fields)
    assert response.status_code == 422, response.content.decode()
    first = response.json()["errors"][0]
    assert (first["code"], first["article"]) == (code, article) and first["field"]
    assert not ArchiveItem.objects.exists()


def test_a_missing_scan_is_refused(world, pupil, api_for):
    response = api_for(world.registrar_a).post(f"/api/v1/students/{pupil.student_number}/archive/items",
                                               {"kind": "aid", "title": "国家助学金", "dated_on": TODAY})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"


def test_credits_are_for_high_school_students(world, senior, api_for):
    response = file(api_for(world.registrar_high), senior, kind="学分", title="高二上学期学分", summary="72 学分")
    assert response.status_code == 201 and response.json()["kind"] == "credits"


def test_a_correction_supersedes_and_keeps_the_original(world, pupil, api_for):
    client = api_for(world.registrar_a)
    first = file(client, pupil, kind="fitness", title="体质健康测试").json()
    url = f"/api/v1/archive/items/{first['id']}/correct"
    assert client.post(url, {"file": scan()}).status_code == 422  # no reason
    assert api_for(world.registrar_b).post(url, {"file": scan(), "reason": "成绩录错"}).status_code == 404
    fixed = client.post(url, {"file": scan(), "reason": "成绩录错", "title": "体质健康测试(更正)"})
    assert fixed.status_code == 201 and fixed.json()["supersedes"] == first["id"]
    assert client.post(url, {"file": scan(), "reason": "再改"}).status_code == 409
    items = client.get(f"/api/v1/students/{pupil.student_number}/archive").json()["items"]
    assert {(i["id"], i["superseded_by"]) for i in items} == {(first["id"], fixed.json()["id"]),
                                                               (fixed.json()["id"], None)}
    assert ArchiveItem.objects.count() == 2


def test_the_paper_folder_location_keeps_its_moves(world, pupil, api_for):
    url = f"/api/v1/students/{pupil.student_number}/archive/location"
    client = api_for(world.registrar_a)
    assert client.post(url, {}, content_type="application/json").status_code == 422
    client.post(url, {"room": "档案室", "shelf": "3号柜", "box": "2026-01"}, content_type="application/json")
    moved = client.post(url, {"room": "新档案室", "box": "2026-07", "note": "搬迁"}, content_type="application/json")
    assert moved.status_code == 201
    archive = api_for(world.county_xd).get(f"/api/v1/students/{pupil.student_number}/archive").json()
    assert archive["location"]["room"] == "新档案室" and len(archive["location_history"]) == 2
    assert api_for(world.registrar_b).post(url, {"room": "x"}, content_type="application/json").status_code == 404
    assert ArchiveLocation.objects.count() == 2


def test_certificates_are_linked_not_copied(world, pupil, api_for):
    certificate = Certificate.objects.create(number="TY2026X0001", kind="学历证明", stage="primary", student=pupil,
                                             school=world.school_a, school_year=2026, issued_on=datetime.date.today(),
                                             issued_by=world.registrar_a)
    client = api_for(world.registrar_a)
    assert file(client, pupil, kind="certificate", title="学历证明扫描件", certificate="NOPE").status_code == 422
    linked = file(client, pupil, kind="certificate", title="学历证明扫描件", certificate=certificate.number)
    assert linked.status_code == 201 and linked.json()["certificate"] == certificate.number
    archive = client.get(f"/api/v1/students/{pupil.student_number}/archive").json()
    assert [c["number"] for c in archive["certificates"]] == [certificate.number]


def test_the_record_page_and_the_school_archive_page(world, pupil, client_for):
    client = client_for(world.registrar_a)
    response = client.post(f"/students/{pupil.student_number}/archive/items/",
                           {"kind": "quality", "title": "综合素质评价", "dated_on": TODAY, "file": scan()})
    assert response.status_code == 302 and response["Location"].endswith("/archive/#archive-items")
    client.post(f"/students/{pupil.student_number}/archive/location/", {"room": "一楼档案室", "box": "A-12"})
    page = client_for(world.county_xd).get(f"/students/{pupil.student_number}/archive/").content.decode()
    assert 'data-testid="archive-items-section"' in page and "综合素质评价" in page and "A-12" in page
    assert 'data-testid="archive-item-form"' not in page  # the county reads, the school files
    item = ArchiveItem.objects.get()
    assert client_for(world.county_xd).get(f"/archive/items/{item.pk}/scan/").status_code == 200
    assert client_for(world.registrar_b).get(f"/archive/items/{item.pk}/scan/").status_code == 404
    school = client_for(world.county_xd).get(f"/schools/{world.school_a.pk}/archive/")
    assert school.status_code == 200 and 'data-testid="school-registers"' in school.content.decode()
    assert "结业证书存根(附件11)" in school.content.decode()
    assert client_for(world.registrar_b).get(f"/schools/{world.school_a.pk}/archive/").status_code == 404


def test_the_archive_page_is_the_records_readers_only(world, pupil, client_for):
    # The student's archive page (awards, discipline, items, certificates) is read like the record: his school,
    # its county and city; another school, another county and a guardian get nothing, and each read is audited.
    from xueji.audit.models import AuditEvent

    url = f"/students/{pupil.key}/archive/"
    for reader in (world.registrar_a, world.county_xd, world.city_ty):
        page = client_for(reader).get(url)
        assert page.status_code == 200 and 'data-testid="archive-items-section"' in page.content.decode()
    for outsider in (world.registrar_b, world.county_yz, world.city_dt):
        assert client_for(outsider).get(url).status_code == 404
    from tests.archive.test_awards import _guardian_of

    assert client_for(_guardian_of(pupil, world.registrar_a)).get(url).status_code == 403  # even his own child's
    assert AuditEvent.objects.filter(action="student.view", actor=world.county_xd, outcome="ok").exists()
    assert AuditEvent.objects.filter(action="student.view", actor=world.county_yz, outcome="denied").exists()

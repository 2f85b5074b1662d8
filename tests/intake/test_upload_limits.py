"""Upload bombs (issue 10, item 2): every hostile file kind is refused with 422 and a Chinese message naming the
limit and the fix, its batch is left failed (never running), and nothing reaches python-calamine or gets inflated
beyond the limits. The files are small on disk (tests/intake/hostile.py)."""

import time

import pytest

from tests.intake import hostile
from tests.intake.conftest import csv_bytes, pupil, upload_file, xlsx_bytes
from xueji.intake import limits, sheets
from xueji.intake.models import ImportBatch
from xueji.students.models import Student

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post_file(client, content, *, name="新生.xlsx", **form):
    return client.post(f"{API}/imports", {"file": upload_file(content, name), "school": "1114010501", **form})


def assert_refused(response, code: str, *words: str) -> dict:
    assert response.status_code == 422, response.content.decode()
    body = response.json()
    error = next(e for e in body["errors"] if e["code"] == code)
    assert error["field"] == "file"
    for word in words:
        assert word in error["message"], error["message"]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and not batch.is_running
    assert any(e["code"] == code for e in batch.errors) and batch.message.startswith("文件无法导入")
    assert not Student.objects.exists()
    return error


@pytest.fixture
def never_parsed(monkeypatch):
    """python-calamine must never see the file: reading it would be the bomb."""
    def refuse(*args, **kwargs):
        raise AssertionError("the hostile file reached python-calamine")

    monkeypatch.setattr(sheets.CalamineWorkbook, "from_path", refuse)


@pytest.fixture
def never_inflated(monkeypatch):
    """Refused from the zip's directory alone, before any member is inflated."""
    def refuse(*args, **kwargs):
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(limits, "_inflate", refuse)


@pytest.fixture
def client(world, api_for):
    client = api_for(world.registrar_a)
    client.get(f"{API}/imports")  # the first request loads every URL module: not part of what is timed
    return client


# ------------------------------------------------------------------------------ zip members


def test_a_zip_bomb_member_is_refused_by_its_ratio_at_upload(client, never_inflated, never_parsed):
    content = hostile.zero_member(8 << 20)
    assert len(content) < 100_000  # 8 MB of zeros, ~8 KB on disk
    started = time.monotonic()
    assert_refused(post_file(client, content), "zip_ratio", "压缩前的1028倍", "100倍的上限", "导入模板")
    assert time.monotonic() - started < 5


def test_a_member_the_directory_says_is_1_gb_is_refused_at_upload(client, never_inflated, never_parsed):
    content = hostile.directory_says(hostile.zero_member(1 << 20), "xl/media/image1.bin", 1 << 30)
    assert_refused(post_file(client, content), "unzipped_too_large", "64MB", "分成几个文件")


def test_a_member_larger_than_the_directory_says_is_refused_while_inflating(client, never_parsed, settings):
    # The directory claims 1 KB (so neither the size nor the ratio shows); the inflated bytes are counted.
    content = hostile.hidden_bomb(8 << 20)
    started = time.monotonic()
    assert_refused(post_file(client, content), "zip_size_mismatch", "大小与文件目录记载不符", "另存为")
    assert time.monotonic() - started < 5


def test_too_many_members_and_the_total_are_refused(client, settings, never_inflated):
    settings.XUEJI_IMPORT_MAX_MEMBERS = 4
    assert_refused(post_file(client, xlsx_bytes([pupil(1)])), "zip_members", "部件", "另存为")


def test_an_encrypted_or_oddly_compressed_member_is_refused(client, never_inflated):
    import io
    import zipfile

    out = io.BytesIO(hostile.workbook(""))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("xl/media/odd.bin", b"x" * 100)
    assert_refused(post_file(client, out.getvalue()), "zip_method", "压缩方式")


# ------------------------------------------------------------------------------ where the cells land


@pytest.mark.parametrize("build, code, words", [
    (hostile.far_cell, "too_many_rows", ("100000行", "分成几个文件")),
    (hostile.far_row, "too_many_rows", ("第1000000行",)),
    (hostile.unnumbered_columns, "too_many_columns", ("128列", "模板以外的列")),
])
def test_cells_far_apart_are_refused_before_calamine_builds_its_grid(client, never_parsed, build, code, words):
    content = build()
    assert len(content) < 10_000
    assert_refused(post_file(client, content), code, *words)


def test_an_xls_with_cells_far_apart_is_refused_at_upload(client, never_parsed):
    content = hostile.far_xls()
    assert len(content) < 20_000
    assert_refused(post_file(client, content, name="新生.xls"), "too_many_columns", "第65536行", "第256列")


def test_an_xls_over_its_size_limit_is_refused_at_upload(client, settings, never_parsed):
    settings.XUEJI_IMPORT_MAX_XLS_BYTES = 4096
    assert_refused(post_file(client, hostile.far_xls(), name="新生.xls"), "xls_too_large", "另存为.xlsx")


def test_an_xls_whose_structure_cannot_be_checked_is_not_read(client, never_parsed):
    content = bytearray(hostile.far_xls())
    content[0x30:0x34] = (0xFFFFFF00).to_bytes(4, "little")  # the directory's first sector, far beyond the file
    assert_refused(post_file(client, bytes(content), name="新生.xls"), "xls_unreadable", "另存为.xlsx")


def test_cells_within_the_bounds_read_as_before(client):
    body = post_file(client, hostile.workbook('<row r="900"><c r="BU900" t="inlineStr"><is><t>x</t></is></c></row>'))
    assert body.status_code == 201 and body.json()["status"] == "validated", body.content


# ------------------------------------------------------------------------------ cells and rows


def test_a_cell_of_a_million_characters_is_refused_before_it_is_read(client, never_parsed):
    content = hostile.long_cell(1_000_000)
    assert len(content) < 10_000
    assert_refused(post_file(client, content), "cell_too_long", "32767", "单元格")


def test_a_cell_over_excels_limit_is_refused_naming_its_row_and_column(client):
    assert_refused(post_file(client, hostile.long_cell(40_000)), "cell_too_long", "第2行“姓名”", "40000个字符")


def test_a_long_cell_within_the_limit_is_a_row_error_at_most(client):
    response = post_file(client, hostile.long_cell(30_000))
    assert response.status_code == 201 and response.json()["status"] == "validated"


@pytest.mark.parametrize("make, name", [(xlsx_bytes, "新生.xlsx"), (csv_bytes, "新生.csv")])
def test_rows_beyond_the_limit_are_refused(client, settings, make, name):
    settings.XUEJI_IMPORT_MAX_ROWS = 5
    assert_refused(post_file(client, make([pupil(n) for n in range(1, 7)]), name=name), "too_many_rows",
                   "超过5行", "第7行", "分成几个文件")


def test_rows_up_to_the_limit_are_read(client, settings):
    settings.XUEJI_IMPORT_MAX_ROWS = 5
    response = post_file(client, xlsx_bytes([pupil(n) for n in range(1, 6)]))
    assert response.status_code == 201 and response.json()["rows_total"] == 5


def test_millions_of_rows_are_refused_from_their_numbers_not_by_reading_them(client, settings, never_parsed):
    settings.XUEJI_IMPORT_MAX_ROWS = 5
    assert_refused(post_file(client, hostile.many_rows(2000)), "too_many_rows", "第1006行")


def test_too_many_header_columns_are_refused(client, settings):
    settings.XUEJI_IMPORT_MAX_COLUMNS = 60
    assert_refused(post_file(client, xlsx_bytes([pupil(1)])), "too_many_columns", "第61列", "60列")


# ------------------------------------------------------------------------------ csv


def test_a_csv_field_over_csvs_own_limit_is_422_not_500(client):
    # csv.Error ("field larger than field limit (131072)") used to escape as a server error on SQLite.
    response = post_file(client, hostile.csv_with_field(140_000), name="新生.csv")
    assert_refused(response, "cell_too_long", "CSV文件第2行", "131072")


def test_a_csv_field_over_excels_limit_is_refused_naming_its_row(client):
    assert_refused(post_file(client, hostile.csv_with_field(40_000), name="新生.csv"), "cell_too_long", "第2行")


def test_a_csv_without_line_breaks_is_not_read_whole(client, settings):
    settings.XUEJI_IMPORT_MAX_CELL_CHARS = 100  # a line may hold 128 × 100 characters
    assert_refused(post_file(client, hostile.csv_without_line_breaks(30_000), name="新生.csv"), "csv_line_too_long",
                   "第2行", "换行")


# ------------------------------------------------------------------------------ time


def test_a_check_past_its_time_limit_stops_and_leaves_the_batch_failed(client, settings):
    settings.XUEJI_IMPORT_MAX_REQUEST_SECONDS = 0
    assert_refused(post_file(client, xlsx_bytes([pupil(1)])), "import_too_slow", "0秒", "后台处理")


def test_a_commit_past_its_time_limit_writes_nothing(client, settings):
    body = post_file(client, xlsx_bytes([pupil(1), pupil(2)])).json()
    assert body["status"] == "validated"
    settings.XUEJI_IMPORT_MAX_REQUEST_SECONDS = 0
    response = client.post(f"{API}/imports/{body['id']}/commit", {"mode": "valid_only"},
                           content_type="application/json")
    assert response.status_code == 422 and "import_too_slow" in response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and not Student.objects.exists()


# ------------------------------------------------------------------------------ the page


def test_the_upload_page_refuses_a_bomb_in_chinese_and_lists_the_batch_failed(world, client_for, never_inflated):
    client = client_for(world.registrar_a)
    response = client.post("/intake/", {"file": upload_file(hostile.zero_member(4 << 20))})
    assert response.status_code == 422
    text = response.content.decode()
    assert "100倍的上限" in text and "失败" in text
    assert ImportBatch.objects.get().status == "failed"


def test_a_large_file_refused_in_the_background_shows_why_on_its_page(world, client_for):
    client = client_for(world.registrar_a)
    client.post("/intake/", {"file": upload_file(hostile.far_row())})
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    page = client.get(f"/intake/{batch.pk}/").content.decode()
    assert "第1000000行" in page and "分成几个文件" in page

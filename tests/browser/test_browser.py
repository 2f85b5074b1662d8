"""The pages in a real Chromium: log in, search a student by name, open the record, reveal the ID number; import
a spreadsheet, read its report and keep the good rows.

Playwright drives Debian's /usr/bin/chromium (no browser download). Without it the test skips, unless
XUEJI_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

from tests import factories as f
from xueji.core.masking import mask_id

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told it is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]

pytestmark = [pytest.mark.browser]


def require_chromium() -> None:
    """Skip without Debian's Chromium, or fail when the run demands a browser (CI sets XUEJI_REQUIRE_BROWSER=1)."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("XUEJI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"XUEJI_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    pytest.skip(f"{CHROMIUM} is not installed")


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Playwright runs this block in a greenlet with its own context, so the ORM calls a test makes here
            # open a connection of their own; closed here, it no longer keeps PostgreSQL from dropping the
            # test database at the end of the run.
            connections.close_all()


@pytest.fixture
def school_with_students(transactional_db):
    """A registrar of 小店区's school and three students entered through the service, one with a rare character."""
    from xueji.students.services import create_student

    province = f.division("140000", "山西省", "province")
    taiyuan = f.division("140100", "太原市", "city", province)
    xiaodian = f.division("140105", "小店区", "county", taiyuan)
    school = f.school("1114010501", "太原市小店区坞城路小学", "211", xiaodian)
    registrar = f.user("reg_a", "registrar", school=school)
    students = [create_student(registrar, school, f.student_payload(name=name)) for name in ("𠮷祥", "王小明", "李䶮")]
    return registrar, students


def log_in(page, username: str) -> None:
    page.fill("#username", username)
    page.fill("#password", f.PASSWORD)
    page.click("button[type=submit]")


def test_registrar_finds_a_student_and_reveals_the_id_number(live_server, school_with_students, tmp_path):
    require_chromium()
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        walk_through(page, live_server.url, *school_with_students, tmp_path)


def walk_through(page, base: str, registrar, students, shots: Path) -> None:
    from xueji.audit.models import AuditEvent

    target = students[0]

    page.goto(f"{base}/students/")
    assert "/login/" in page.url  # anonymous: sent to log in first
    log_in(page, registrar.username)
    page.wait_for_url(f"{base}/students/")

    page.fill("#q", "𠮷")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    page.get_by_role("link", name="𠮷祥").click()
    page.wait_for_url(f"{base}/students/{target.key}/")

    assert page.get_by_test_id("student-name").inner_text().startswith("𠮷祥")
    masked = page.get_by_test_id("id-masked").inner_text()
    assert masked == mask_id(target.id_number) and target.id_number not in page.inner_text("body")
    page.screenshot(path=str(shots / "student.png"), full_page=True)

    # The reveal form (htmx) asks for a reason and swaps in the whole number.
    page.click("text=显示完整证件号")
    page.fill("#reveal-reason", "核对转学申请材料")
    page.click("text=确认显示")
    page.get_by_test_id("id-full").wait_for()
    assert page.get_by_test_id("id-full").inner_text() == target.id_number
    page.screenshot(path=str(shots / "revealed.png"))
    assert (shots / "student.png").stat().st_size > 10_000

    assert AuditEvent.objects.filter(actor=registrar, action="student.unmask_id", reason="核对转学申请材料").exists()


def test_a_g_number_is_masked_until_revealed_with_the_id(live_server, school_with_students, tmp_path):
    # A G number is "G" + the ID (第十一条): the page head masks it, and the reveal swaps both in together.
    from xueji.students.numbers import issue_number

    require_chromium()
    registrar, students = school_with_students
    target = students[1]
    number = issue_number(target, "G").number
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/login/")
        log_in(page, registrar.username)
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/students/{target.pk}/")
        assert page.get_by_test_id("student-number").inner_text() == "G" + mask_id(target.id_number)
        assert number not in page.content()
        page.click("text=显示完整证件号")
        page.fill("#reveal-reason", "核对转学申请材料")
        page.click("text=确认显示")
        page.get_by_test_id("id-full").wait_for()
        assert page.get_by_test_id("number-full").inner_text() == number
        assert page.get_by_test_id("student-number").inner_text() == number


def test_an_officer_of_another_county_finds_nothing(live_server, school_with_students, tmp_path):
    require_chromium()
    yingze = f.division("140106", "迎泽区", "county", f.division("140100", "太原市", "city"))
    f.user("yz", "county", division=yingze)
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        log_in(page, "yz")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/students/?q=𠮷")
        assert "暂无学生" in page.inner_text("main") and "𠮷祥" not in page.inner_text("main")
        page.goto(f"{live_server.url}/students/{school_with_students[1][0].key}/")
        assert "未找到" in page.inner_text("main")
        page.screenshot(path=str(tmp_path / "refused.png"))


@pytest.fixture
def uploads_in_tmp(settings, tmp_path):
    """Uploaded spreadsheets and import progress in the test's folder, not the checkout's var/."""
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"


def test_registrar_imports_a_spreadsheet_sees_the_bad_row_and_keeps_the_good_ones(
        live_server, school_with_students, tmp_path, uploads_in_tmp):
    """The autumn path in a real browser: upload a .csv with one unknown 民族 code, read the
    report (row, column, message), keep the good rows, and see them written as 待注册 records."""
    from tests.intake.conftest import csv_bytes, pupil
    from xueji.students.models import Student

    require_chromium()
    registrar, _students = school_with_students
    before = Student.objects.filter(school=registrar.school).count()
    upload = tmp_path / "秋季新生.csv"
    upload.write_bytes(csv_bytes([pupil(1), pupil(2), pupil(3, ethnicity="99")]))
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/intake/")
        log_in(page, registrar.username)
        page.wait_for_url(f"{live_server.url}/intake/")
        page.set_input_files("#file", str(upload))
        page.click("text=上传并校验")
        page.wait_for_url(f"{live_server.url}/intake/*/")
        report = page.inner_text("main")
        assert "已校验,待确认导入" in report and "确认导入 2 行" in report
        error_row = page.locator("table.data tbody tr").first.inner_text()
        assert error_row.startswith("4") and "民族" in error_row and "99" in error_row
        assert Student.objects.filter(school=registrar.school).count() == before  # checked, nothing written
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

        page.check("input[name=mode][value=valid_only]")
        page.click("text=确认导入 2 行")
        page.wait_for_load_state()
        page.get_by_text("已导入", exact=True).first.wait_for()
        done = page.inner_text("main")
        assert "未导入的行" in done and "4" in done
    new = Student.objects.filter(school=registrar.school).exclude(pk__in=[s.pk for s in _students])
    assert sorted(new.values_list("status", flat=True)) == ["待注册", "待注册"]


def test_a_long_import_shows_a_moving_progress_bar_and_then_its_report(
        live_server, school_with_students, uploads_in_tmp):
    """While a batch runs, its page polls (htmx, every second) and the bar follows the reported rows; when the
    batch is done the page reloads by itself into the report."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.intake.conftest import csv_bytes, pupil
    from xueji.intake import services
    from xueji.intake.models import ImportBatch

    require_chromium()
    registrar, _students = school_with_students
    batch = services.upload(registrar, registrar.school,
                            SimpleUploadedFile("大表.csv", csv_bytes([pupil(1), pupil(2, ethnicity="99")])))
    services.validate(batch.pk)
    # As a 100,000-row check is seen part way through.
    ImportBatch.objects.filter(pk=batch.pk).update(status="validating")
    services._report(batch.pk, 25_000, "校验", 100_000)
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        log_in(page, registrar.username)
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/intake/{batch.pk}/")
        bar = page.locator("#import-progress progress")
        assert bar.get_attribute("value") == "25" and "25000 / 100000" in page.inner_text("#import-progress")
        services._report(batch.pk, 75_000, "校验", 100_000)
        page.wait_for_function("document.querySelector('#import-progress progress').value == 75", timeout=5000)

        ImportBatch.objects.filter(pk=batch.pk).update(status="validated")
        page.locator("#import-progress").wait_for(state="detached", timeout=5000)
        page.get_by_text("确认导入 1 行").wait_for()
        assert "已校验,待确认导入" in page.inner_text("main")

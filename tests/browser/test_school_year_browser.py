"""The year's new flows in a real Chromium, as the people who use them would click through them: a primary
school's 六年级 graduates (第三十四条), the province opens the next school year (第十六条), a guardian binds and
confirms a child's record (第四十三条), and a family looks up a 学籍号 on the public page.

Each actor has a browser context of his own (his own cookies), as on separate computers. Like test_browser.py,
these skip without Debian's Chromium unless XUEJI_REQUIRE_BROWSER=1.
"""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from tests.browser.test_browser import chromium, log_in, require_chromium
from tests.graduation.conftest import clock, enrolled, people  # noqa: F401 - fixtures used by name
from tests.lookup.conftest import registered
from tests.schoolyear.conftest import year  # noqa: F401 - fixture used by name
from xueji.core.masking import mask_id

pytestmark = [pytest.mark.browser]

VIEWPORT = {"width": 1280, "height": 900}


def signed_in(browser, base: str, user):
    """A page in a fresh context (its own cookies) where `user` has logged in through the form."""
    page = browser.new_context(locale="zh-CN", viewport=VIEWPORT).new_page()
    page.goto(f"{base}/login/")
    log_in(page, user.username)
    page.wait_for_url(f"{base}/")
    return page


def open_nav(page, label: str) -> None:
    """Follow the navigation link a user would look for."""
    page.locator("nav").get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state()


# ---------------------------------------------------------------------------------------------- 毕业


def test_a_sixth_grade_class_graduates_through_school_and_county(live_server, people, enrolled, clock):  # noqa: F811
    from xueji.certificates.models import Certificate

    require_chromium()
    w, base = people, live_server.url
    pupil = enrolled(grade=6, name="赵毕业", school_class=w.class_a6.pk)
    enrolled(grade=6, name="钱同学")  # not in the class: stays unticked and is not proposed
    with chromium() as browser:
        registrar = signed_in(browser, base, w.registrar_a)
        open_nav(registrar, "毕业")
        registrar.get_by_test_id("propose").click()
        registrar.locator("section", has_text="6班").get_by_role("link", name="只选本班").click()
        registrar.wait_for_url("**/graduation/propose/?class=*")
        assert registrar.get_by_role("checkbox", name="赵毕业").is_checked()
        assert not registrar.get_by_role("checkbox", name="钱同学").is_checked()
        registrar.click("text=提交所选学生")
        registrar.wait_for_url("**/graduation/batches/*/")
        assert "已提交1名毕业生" in registrar.inner_text("main")

        for approver in (w.leader_a, w.county_xd):
            page = signed_in(browser, base, approver)
            open_nav(page, "毕业")
            page.get_by_test_id("awaiting").get_by_role("link").first.click()
            page.get_by_test_id("approve-all").click()
            page.wait_for_load_state()
            assert "已办理1名学生" in page.inner_text("main")
        assert "其中1名已毕业" in page.inner_text("main")

        number = Certificate.objects.get(student=pupil).number
        registrar.goto(f"{base}/students/{pupil.key}/")
        assert "毕业" in registrar.get_by_test_id("student-name").inner_text()
        registrar.get_by_test_id("archive-link").click()  # the certificates are in the student's archive
        registrar.wait_for_load_state()
        assert number in registrar.get_by_test_id("certificates-section").inner_text()


# ---------------------------------------------------------------------------------------------- 学年升级


def test_the_province_rolls_the_year_over_and_a_third_grader_moves_up(
        live_server, world, make_student, year, settings):  # noqa: F811
    from django.db import connection

    from xueji.schoolyear import services
    from xueji.schoolyear.models import Rollover

    require_chromium()
    # On PostgreSQL the page's own background thread runs the job. The in-memory SQLite test database locks
    # whole tables across threads without waiting, so there the test runs the job as `xueji rollover` would.
    in_process = connection.vendor == "sqlite"
    settings.XUEJI_ROLLOVER_THREADS = not in_process
    third = f.school_class(world.school_a, grade=3, name="3班", entry_year=2024)
    kid = registered(make_student(name="孙三年", grade=3, school_class=third.pk))
    with chromium() as browser:
        page = signed_in(browser, live_server.url, world.province_officer)
        open_nav(page, "学年升级")
        page.on("dialog", lambda dialog: dialog.accept())  # the "不能撤回" confirmation
        page.check("input[name=confirm]")
        page.locator("form.card").get_by_role("button").click()
        page.wait_for_url(f"{live_server.url}/school-years/{year}/")
        if in_process:
            services.run(Rollover.objects.get(school_year=year).pk)
        # The progress card polls every 2 s; when the run is done the page reloads itself with the outcome.
        page.get_by_test_id("digest").wait_for(timeout=15_000)
        assert "已完成" in page.get_by_test_id("rollover-status").inner_text()
        assert "已完成" in page.locator("h1").inner_text()
        assert page.get_by_test_id("count-promoted").inner_text() == "1"
        assert page.get_by_role("button", name="核验升级记录").is_visible()

        page.goto(f"{live_server.url}/students/{kid.key}/")
        assert "四年级" in page.inner_text("main")


# ---------------------------------------------------------------------------------------------- 家长


@pytest.fixture
def term_now(world):
    """A term under way today: the guardians' check is per term (第四十三条)."""
    from xueji.workdays.models import Term

    today = timezone.localdate()
    return Term.objects.create(school_year=today.year, number=1, starts_on=today - datetime.timedelta(days=30),
                               ends_on=today + datetime.timedelta(days=60))


def test_a_guardian_signs_up_with_the_code_and_confirms_the_record(live_server, world, make_student, term_now):
    require_chromium()
    base = live_server.url
    child = registered(make_student(name="周小华", grade=1, school_class=world.class_a1.pk))
    with chromium() as browser:
        registrar = signed_in(browser, base, world.registrar_a)
        registrar.goto(f"{base}/students/{child.key}/")
        registrar.get_by_test_id("guardian-code-link").click()
        registrar.get_by_role("button", name="发放绑定码").click()
        code = registrar.get_by_test_id("code").inner_text()
        assert registrar.get_by_test_id("sign-up-address").inner_text() == f"{base}/guardian/sign-up/"

        # At home, on another computer: from the log-in page to the sign-up.
        family = browser.new_context(locale="zh-CN", viewport=VIEWPORT).new_page()
        family.goto(f"{base}/login/")
        family.get_by_role("link", name="家长凭绑定码开通账号").click()
        family.wait_for_url(f"{base}/guardian/sign-up/")
        family.fill("#code", code)
        family.fill("#child_name", "周小华")
        family.fill("#username", "zhou_mama")
        family.fill("#password", "家长的密码很安全2026")
        family.click("text=开通并绑定")
        family.wait_for_url(f"{base}/guardian/")
        family.get_by_test_id("children").get_by_role("link", name="周小华").click()
        family.wait_for_url(f"{base}/guardian/children/*/")
        body = family.inner_text("body")
        assert mask_id(child.id_number) in body and child.id_number not in family.content()
        family.get_by_role("button", name="信息无误").click()
        family.wait_for_load_state()
        assert "您已确认本学期学籍信息无误" in family.get_by_test_id("term-check").inner_text()

        registrar.goto(f"{base}/schools/{world.school_a.code}/")
        registrar.get_by_role("link", name="家长核对情况").click()
        row = registrar.get_by_test_id("class-counts").locator("tbody tr", has_text=world.class_a1.name)
        cells = row.locator("td").all_inner_texts()
        assert cells[3] == "1" and cells[5] == "0"  # 确认无误 1, 未核对 0
        assert "周小华" in registrar.get_by_test_id("term-checks").inner_text()


# ---------------------------------------------------------------------------------------------- 学籍号查询


@pytest.fixture
def fresh_lookup_memory():
    from xueji.lookup.services import blocked_addresses

    blocked_addresses.forget_all()
    yield
    blocked_addresses.forget_all()


def test_a_family_looks_up_the_number_and_a_wrong_name_reads_like_an_unknown_id(
        live_server, world, make_student, fresh_lookup_memory):
    require_chromium()
    pupil = registered(make_student(name="吴查询", grade=3))
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport=VIEWPORT)
        page.goto(f"{live_server.url}/login/")
        page.get_by_role("link", name="家长查询学籍号").click()
        page.wait_for_url(f"{live_server.url}/lookup/")

        def ask(name: str, number: str) -> None:
            page.fill("#name", name)
            page.fill("#number", number)
            page.get_by_role("button", name="查询").click()
            page.wait_for_load_state()

        ask("吴查询", pupil.id_number)
        result = page.get_by_test_id("lookup-result").inner_text()
        assert "G" + mask_id(pupil.id_number) in result and "三年级" in result
        assert pupil.id_number not in page.content()

        ask("吴查错", pupil.id_number)
        wrong_name = page.locator(".msg.error").inner_text()
        ask("吴查询", f.make_id(seq=77))
        unknown_id = page.locator(".msg.error").inner_text()
        assert wrong_name == unknown_id and "未查到" in wrong_name
        assert page.get_by_test_id("lookup-result").count() == 0

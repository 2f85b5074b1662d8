"""`xueji demo`, `xueji createaccount` and `xueji serve` through the console entry point xueji.cli.main."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from xueji import cli
from xueji.accounts.models import User
from xueji.accounts.services import check_password_login
from xueji.audit.models import AuditEvent
from xueji.demo import loader
from xueji.demo.management.commands import serve
from xueji.orgs.models import Campus, Division, School, SchoolClass
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student, StudentNumber

pytestmark = pytest.mark.django_db
MODELS = (Division, School, Campus, SchoolClass, User, Student, FamilyMember, StudentNumber, Enrolment, StatusEvent,
          AuditEvent)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_twice_changes_nothing_the_second_time(capsys):
    cli.main(["demo"])
    first = counts()
    out = capsys.readouterr().out
    assert "已载入演示数据" in out
    # The summary counts the imported newcomers with the rest, and names the work waiting for the officers.
    total, pending = first["Student"], Student.objects.filter(status="待注册").count()
    assert f"{total} 名学生" in out and f"待注册 {pending},其中 6 名由批量导入建档" in out
    assert "待县级认定的疑似重复 1 条" in out
    cli.main(["demo"])
    assert counts() == first
    assert "演示数据已存在" in capsys.readouterr().out
    assert first["Division"] == 129 and first["School"] == 8 and first["User"] == 21
    assert AuditEvent.objects.filter(action="demo.load").count() == 1


def test_demo_prints_the_address_the_logins_and_the_password(capsys, monkeypatch):
    monkeypatch.setenv("PORT", "9000")  # as `PORT=9000 make demo` passes it
    monkeypatch.delenv("HOST", raising=False)
    cli.main(["demo"])
    out = capsys.readouterr().out
    assert "在浏览器打开 http://127.0.0.1:9000/" in out
    assert loader.DEMO_PASSWORD in out
    for username, role_label, org in loader.login_table():
        line = next(line for line in out.splitlines() if line.startswith(username + " "))
        assert role_label in line and org.split()[-1] in line
    assert "1114010501-registrar" in out and "太原市小店区坞城路小学" in out


def test_demo_does_not_load_over_an_installation_that_has_a_demo_username():
    Division.objects.create(code="140000", name="山西省", level="province")
    call_command("createaccount", "province", role="province", org="140000", password="another-secret-2026")
    call_command("demo", stdout=io.StringIO())
    assert not Student.objects.exists()
    assert check_password_login("province", "another-secret-2026").username == "province"


def test_cli_passes_other_commands_to_django(capsys):
    cli.main(["check"])
    assert "no issues" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["no-such-command"])


def test_cli_without_a_command_prints_its_usage(capsys):
    cli.main([])
    out = capsys.readouterr().out
    assert "xueji <命令>" in out and "generate --students N" in out


def test_createaccount_bootstraps_a_province_officer():
    loader.load_divisions()
    cli.main(["createaccount", "sx-admin", "--role", "province", "--org", "140000",
              "--password", "first-officer-2026", "--display-name", "省学籍管理员"])
    user = User.objects.get(username="sx-admin")
    assert (user.role, user.division_id, user.school_id, user.display_name) == ("province", "140000", None, "省学籍管理员")
    assert check_password_login("sx-admin", "first-officer-2026") == user
    row = AuditEvent.objects.get(action="account.create", object_id="sx-admin")
    assert row.actor is None and row.actor_username == "(命令行)"


def test_createaccount_prompts_for_the_password(monkeypatch):
    loader.load_divisions()
    answers = iter(["prompted-pass-2026", "prompted-pass-2026"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createaccount", "ty-admin", role="city", org="140100")
    assert check_password_login("ty-admin", "prompted-pass-2026").division_id == "140100"


@pytest.mark.parametrize(("options", "message"), [
    ({"role": "province", "org": "999999", "password": "first-officer-2026"}, "单位代码 999999 不存在"),
    ({"role": "city", "org": "140000", "password": "first-officer-2026"}, "市级行政区划"),
    ({"role": "province", "org": "140000", "password": "123"}, "密码"),
    ({"role": "province", "org": "140000", "password": " " * 12}, "密码不能为空,也不能全部是空格"),
    ({"role": "province", "org": "140000", "password": "X-Admin"}, "密码不能与用户名相同"),
    ({"role": "province", "org": "140000", "password": "山西省学籍管理系统"}, "密码至少须有10个字符"),
])
def test_createaccount_refuses_with_the_reason(options, message):
    loader.load_divisions()
    with pytest.raises(CommandError, match=message):
        call_command("createaccount", "x-admin", **options)
    assert not User.objects.filter(username="x-admin").exists()


@pytest.fixture
def quick_static(settings, tmp_path):
    # The real storage also gzips and brotli-compresses every file: right for serving, seconds too slow here.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    return tmp_path / "static"


def test_serve_collects_static_files_and_starts_gunicorn(monkeypatch, quick_static, capsys):
    started = {}
    monkeypatch.setattr(serve.XuejiServer, "run", lambda self: started.update(self.options))
    cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"])
    out = capsys.readouterr().out
    assert "学籍系统已启动: http://0.0.0.0:8123/ (Ctrl+C 停止)" in out
    assert f"静态文件已收集到 {quick_static}" in out
    assert started["bind"] == "0.0.0.0:8123"
    assert started["workers"] == serve.default_workers() >= 3
    assert any(quick_static.rglob("*.css"))


def test_serve_collects_again_only_when_the_static_files_changed(monkeypatch, quick_static):
    monkeypatch.setattr(serve.XuejiServer, "run", lambda self: None)
    assert serve.collect_static() is True
    assert serve.collect_static() is False
    shutil.rmtree(quick_static)  # a fresh data directory
    assert serve.collect_static() is True
    assert any(quick_static.rglob("*.css"))


def test_serve_refuses_an_unmigrated_database(monkeypatch, quick_static):
    monkeypatch.setattr(serve, "_unapplied_migrations", lambda: True)
    monkeypatch.setattr(serve.XuejiServer, "run", lambda self: pytest.fail("must not start"))
    with pytest.raises(CommandError, match="xueji migrate"):
        call_command("serve")


def test_serve_loads_the_projects_wsgi_application():
    from xueji.wsgi import application

    assert serve.XuejiServer({"bind": "127.0.0.1:0"}).load() is application

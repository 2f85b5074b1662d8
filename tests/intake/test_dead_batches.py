"""A batch whose process died (kill -9 mid-check or mid-commit, a restart, an out-of-memory kill) is recognised as
dead, not left "validating"/"committing" for ever: its registrar retries or discards it, on the page and in the
API; nobody else may (issue 10, item 2). The death is simulated: the batch's state is set and its heartbeat made
stale, or made to name a process that has exited."""

import json
import subprocess
import sys
import time

import pytest

from tests.intake.conftest import pupil, upload_file, xlsx_bytes
from xueji.audit.models import AuditEvent
from xueji.intake import services
from xueji.intake.models import ImportBatch
from xueji.students.models import Student

pytestmark = pytest.mark.django_db
API = "/api/v1"


def checked_batch(api_for, world, rows=2) -> ImportBatch:
    client = api_for(world.registrar_a)
    body = client.post(f"{API}/imports", {"file": upload_file(xlsx_bytes([pupil(n) for n in range(1, rows + 1)])),
                                          "school": "1114010501"}).json()
    assert body["status"] == "validated", body
    return ImportBatch.objects.get(pk=body["id"])


def beat(batch, **fields) -> None:
    path = services._progress_file(batch.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"done": 0, "phase": "校验", "total": None, **fields}))


def exited_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def die(batch, status: str, *, how: str = "stale") -> ImportBatch:
    """The batch as a run left it when its process was killed: running, with a heartbeat that stopped."""
    fields = {"status": status, "phase": "校验"}
    if status == "committing":
        fields.update(commit_mode="valid_only", committed_by=batch.uploaded_by)
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    if how == "stale":
        beat(batch, at=time.time() - services.LEASE_SECONDS - 5, pid=999_999_999, host="another-host")
    else:  # the process on this host is gone, however fresh its last beat
        beat(batch, at=time.time(), pid=exited_pid(), host=services.socket.gethostname())
    return ImportBatch.objects.get(pk=batch.pk)


@pytest.mark.parametrize("how", ["stale", "exited"])
def test_a_dead_run_is_recognised_and_an_alive_one_is_not(world, api_for, how):
    batch = die(checked_batch(api_for, world), "validating", how=how)
    assert services.is_dead(batch)
    body = api_for(world.registrar_a).get(f"{API}/imports/{batch.pk}").json()
    assert body["status"] == "validating" and body["progress"]["stale"] is True
    beat(batch, at=time.time(), pid=services.os.getpid(), host=services.socket.gethostname())
    assert not services.is_dead(batch)
    assert api_for(world.registrar_a).get(f"{API}/imports/{batch.pk}").json()["progress"]["stale"] is False


def test_a_run_without_any_heartbeat_counts_from_its_last_change(world, api_for):
    batch = checked_batch(api_for, world)
    ImportBatch.objects.filter(pk=batch.pk).update(status="validating")
    services._progress_file(batch.pk).unlink(missing_ok=True)
    batch.refresh_from_db()
    assert not services.is_dead(batch)
    batch.updated_at = batch.updated_at.replace(year=batch.updated_at.year - 1)
    assert services.is_dead(batch)


def test_a_dead_check_is_retried_through_the_api(world, api_for):
    batch = die(checked_batch(api_for, world), "validating")
    commit = api_for(world.registrar_a).post(f"{API}/imports/{batch.pk}/commit", {"mode": "valid_only"},
                                             content_type="application/json")
    assert commit.status_code == 409 and "重新处理" in commit.json()["errors"][0]["message"]
    response = api_for(world.registrar_a).post(f"{API}/imports/{batch.pk}/retry")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["rows_ok"]) == ("validated", 2)
    assert AuditEvent.objects.filter(action="intake.retry", actor=world.registrar_a).exists()


def test_a_dead_commit_is_retried_and_writes_its_rows_once(world, api_for):
    batch = die(checked_batch(api_for, world), "committing", how="exited")
    client = api_for(world.registrar_a)
    response = client.post(f"{API}/imports/{batch.pk}/retry")
    assert response.status_code == 200 and response.json()["status"] == "committed", response.content
    assert Student.objects.filter(school=world.school_a).count() == 2
    assert client.post(f"{API}/imports/{batch.pk}/retry").status_code == 409  # finished: nothing to retry


def test_a_dead_batch_is_discarded_and_stays_failed(world, api_for):
    batch = die(checked_batch(api_for, world), "committing")
    client = api_for(world.registrar_a)
    response = client.post(f"{API}/imports/{batch.pk}/discard")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "failed" and "放弃" in body["message"] and "未写入任何数据" in body["message"]
    assert AuditEvent.objects.filter(action="intake.discard", actor=world.registrar_a).exists()
    assert client.post(f"{API}/imports/{batch.pk}/commit", {"mode": "valid_only"},
                       content_type="application/json").status_code == 409
    assert not Student.objects.exists()


def test_a_live_batch_is_neither_retried_nor_discarded(world, api_for):
    batch = checked_batch(api_for, world)
    ImportBatch.objects.filter(pk=batch.pk).update(status="committing")
    beat(batch, at=time.time(), pid=services.os.getpid(), host=services.socket.gethostname())
    client = api_for(world.registrar_a)
    for action in ("retry", "discard"):
        response = client.post(f"{API}/imports/{batch.pk}/{action}")
        assert response.status_code == 409, response.content
        assert response.json()["errors"][0]["message"].startswith("该批次")
    assert ImportBatch.objects.get(pk=batch.pk).status == "committing"


def test_a_checked_batch_may_be_discarded_but_not_retried(world, api_for):
    batch = checked_batch(api_for, world)
    client = api_for(world.registrar_a)
    assert client.post(f"{API}/imports/{batch.pk}/retry").status_code == 409
    assert client.post(f"{API}/imports/{batch.pk}/discard").json()["status"] == "failed"
    assert client.post(f"{API}/imports/{batch.pk}/discard").status_code == 409


def test_a_run_that_outlived_its_discard_writes_nothing(world, api_for):
    # The process was thought dead and the batch discarded, but it was only slow: its commit must not land.
    batch = die(checked_batch(api_for, world), "committing")
    services.discard(world.registrar_a, batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(commit_mode="valid_only", committed_by=world.registrar_a)
    services.run_commit(batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == "failed" and not Student.objects.exists()


def test_outsiders_may_neither_retry_nor_discard(world, api_for):
    batch = die(checked_batch(api_for, world), "validating")
    for user, status in ((world.registrar_b, 404), (world.county_yz, 404), (world.leader_a, 403),
                         (world.county_xd, 403)):
        client = api_for(user)
        for action in ("retry", "discard"):
            response = client.post(f"{API}/imports/{batch.pk}/{action}")
            assert response.status_code == status, (user, action, response.content)
    assert AuditEvent.objects.filter(actor=world.registrar_b, outcome="denied").exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == "validating"


# ------------------------------------------------------------------------------ the page


def test_the_page_shows_a_dead_batch_and_retries_it(world, api_for, client_for):
    batch = die(checked_batch(api_for, world), "validating")
    client = client_for(world.registrar_a)
    fragment = client.get(f"/intake/{batch.pk}/progress", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"  # stop polling: the page says what happened
    page = client.get(f"/intake/{batch.pk}/").content.decode()
    assert "处理已中断" in page and "重新处理" in page and "放弃该批次" in page
    response = client.post(f"/intake/{batch.pk}/retry")
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == "validated"


def test_the_page_discards_a_dead_batch(world, api_for, client_for):
    batch = die(checked_batch(api_for, world), "committing")
    client = client_for(world.registrar_a)
    assert client.post(f"/intake/{batch.pk}/discard").status_code == 302
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "已放弃该批次" in client.get(f"/intake/{batch.pk}/").content.decode()


def test_the_page_refuses_outsiders_and_hides_the_buttons_from_readers(world, api_for, client_for):
    batch = die(checked_batch(api_for, world), "validating")
    outsider = client_for(world.registrar_b)
    assert outsider.post(f"/intake/{batch.pk}/retry").status_code == 404
    assert outsider.post(f"/intake/{batch.pk}/discard").status_code == 404
    leader = client_for(world.leader_a)
    page = leader.get(f"/intake/{batch.pk}/").content.decode()
    assert "处理已中断" in page and "重新处理" not in page
    assert leader.post(f"/intake/{batch.pk}/discard").status_code == 403
    assert leader.post(f"/intake/{batch.pk}/retry").status_code == 403
    assert ImportBatch.objects.get(pk=batch.pk).status == "validating"

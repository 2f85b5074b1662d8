"""The same step decided twice at once (第十一条's approvals, and every change type's): one decision wins, the
other is told the step was decided by someone else (409), with or without expected_step, for approve, reject,
cancel and batch approval alike. It is never judged against the next step, which may not be his (403) or may be
his too (a second, unseen approval)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests import factories as f
from tests.api.conftest import API, Api, assert_error
from xueji.accounts.services import issue_token
from xueji.applications import services
from xueji.applications.models import Application, Step
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, Forbidden

STALE = "该环节已由他人办理"


@pytest.fixture
def second_leader(world):
    return f.user("lead_a_2", "leader", school=world.school_a)


@pytest.fixture
def api(api_for):
    return lambda user: Api(api_for(user))


def _registration(world, make_student, name="王小明"):
    return services.submit(world.registrar_a, "registration", make_student(name=name))


def _approvals(app):
    return AuditEvent.objects.filter(action="application.approve", object_id=str(app.pk)).count()


# ------------------------------------------------------------------ sequential, deterministic on both databases


def test_a_second_approval_of_a_decided_step_with_the_contract_body_is_409(world, api, make_student, second_leader):
    app = _registration(world, make_student)
    path = f"/applications/{app.pk}/approve"
    assert api(world.leader_a).post(path, {"comment": "同意"}).status_code == 200
    body = assert_error(api(second_leader).post(path, {"comment": "同意"}), 409, code="stale_step")
    assert STALE in body["errors"][0]["message"]
    county_step = Step.objects.get(application=app, order=2)
    assert county_step.status == "pending" and county_step.decider is None
    assert _approvals(app) == 1


def test_naming_the_decided_step_is_409_too(world, api, make_student, second_leader):
    app = _registration(world, make_student)
    path = f"/applications/{app.pk}"
    api(world.leader_a).post(path + "/approve", {"comment": "同意", "expected_step": 1})
    assert_error(api(second_leader).post(path + "/approve", {"comment": "同意", "expected_step": 1}), 409,
                 code="stale_step")
    assert_error(api(second_leader).post(path + "/reject", {"comment": "不同意", "expected_step": 1}), 409)
    assert_error(api(second_leader).post(path + "/reject", {"comment": "不同意"}), 409, code="stale_step")
    assert Application.objects.get(pk=app.pk).status == "pending"


def test_someone_who_never_held_a_step_is_still_refused_by_role(world, api, make_student):
    app = _registration(world, make_student)
    assert_error(api(world.registrar_a).post(f"/applications/{app.pk}/approve", {"comment": ""}), 403)
    assert_error(api(world.county_xd).post(f"/applications/{app.pk}/approve", {"comment": ""}), 403)
    # and an outsider does not learn the application exists
    assert_error(api(world.county_yz).post(f"/applications/{app.pk}/approve", {"comment": ""}), 404)


def test_the_step_pending_on_arrival_is_the_one_decided(world, make_student, second_leader, monkeypatch):
    """The interleaving of a real race, made deterministic: the winner commits while the loser waits for the
    lock. The next step is made the loser's own as well (two steps of one school), so only the step read on
    arrival stops him from approving it unseen."""
    app = _registration(world, make_student)
    Step.objects.filter(application=app, order=2).update(role="leader", org_code=world.school_a.pk)
    original = services._locked

    def winner_first(actor, application_id, purpose):
        if actor == second_leader:
            services.approve(world.leader_a, application_id, comment="先到")
        return original(actor, application_id, purpose)

    monkeypatch.setattr(services, "_locked", winner_first)
    with pytest.raises(Conflict) as lost:
        services.approve(second_leader, app.pk, comment="后到")
    assert STALE in lost.value.message
    # (The winner's approval ran inside the loser's transaction here, so the refusal rolled both back.)
    assert not Step.objects.filter(application=app, decider=second_leader).exists()


def test_cancel_after_the_last_approval_and_approval_after_cancel_are_409(world, make_student):
    app = _registration(world, make_student)
    services.cancel(world.registrar_a, app.pk)
    with pytest.raises(Conflict):
        services.approve(world.leader_a, app.pk, comment="同意")
    with pytest.raises(Conflict):
        services.cancel(world.registrar_a, app.pk)
    done = _registration(world, make_student, name="李四")
    services.approve(world.leader_a, done.pk)
    services.approve(world.county_xd, done.pk)
    with pytest.raises(Conflict):
        services.cancel(world.registrar_a, done.pk)


def test_batch_approval_reports_a_step_decided_by_another_as_409(world, make_student, second_leader):
    apps = [_registration(world, make_student, name=n) for n in ("甲", "乙")]
    services.approve(world.leader_a, apps[0].pk, comment="同意")
    result = services.approve_many(second_leader, [a.pk for a in apps], comment="批量")
    assert result["approved"] == [apps[1].pk]
    assert result["failed"] == [{"id": apps[0].pk, "status": 409, "message": services.STALE}]
    with pytest.raises(Forbidden):
        services.approve(world.registrar_a, apps[1].pk)


# ------------------------------------------------------------------ real concurrency (PostgreSQL)


def _at_once(calls):
    """Run each call on its own thread and connection, released together; their answers in call order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        from django.db import connections

        try:
            barrier.wait()
            answers[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def _poster(user, path, body):
    key, _ = issue_token(user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    import json

    return lambda: client.post(API + path, data=json.dumps(body), content_type="application/json")


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks; SQLite runs the deterministic cases above")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("body", [{"comment": "同意"}, {"comment": "同意", "expected_step": 1}])
def test_two_leaders_approving_at_once_one_wins_the_other_gets_409(world, make_student, second_leader, body):
    _needs_postgresql()
    for round_ in range(3):  # a few rounds: the loser sometimes reads before, sometimes after the commit
        app = _registration(world, make_student, name=f"学生{round_}")
        path = f"/applications/{app.pk}/approve"
        answers = _at_once([_poster(world.leader_a, path, body), _poster(second_leader, path, body)])
        assert sorted(r.status_code for r in answers) == [200, 409], [r.content.decode() for r in answers]
        loser = next(r for r in answers if r.status_code == 409)
        assert STALE in loser.json()["errors"][0]["message"]
        assert _approvals(app) == 1
        assert Step.objects.get(application=app, order=2).status == "pending"


@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_one_decision_stands(world, make_student, second_leader):
    _needs_postgresql()
    app = _registration(world, make_student)
    answers = _at_once([_poster(world.leader_a, f"/applications/{app.pk}/approve", {"comment": "同意"}),
                        _poster(second_leader, f"/applications/{app.pk}/reject", {"comment": "材料不全"})])
    assert sorted(r.status_code for r in answers) == [200, 409], [r.content.decode() for r in answers]
    first = Step.objects.get(application=app, order=1)
    assert first.status in ("approved", "rejected") and first.decider is not None
    app.refresh_from_db()
    assert app.status == ("pending" if first.status == "approved" else "rejected")


@pytest.mark.django_db(transaction=True)
def test_batch_and_single_approval_at_once_approve_once(world, make_student, second_leader):
    _needs_postgresql()
    app = _registration(world, make_student)
    key, _ = issue_token(second_leader)
    batch = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    import json

    answers = _at_once([
        _poster(world.leader_a, f"/applications/{app.pk}/approve", {"comment": "同意"}),
        lambda: batch.post(API + "/applications/batch-approve", data=json.dumps({"ids": [app.pk]}),
                           content_type="application/json"),
    ])
    single, batched = answers
    assert batched.status_code == 200
    outcome = batched.json()
    if single.status_code == 200:
        assert outcome["approved"] == [] and outcome["failed"][0]["status"] == 409
    else:
        assert single.status_code == 409 and outcome["approved"] == [app.pk]
    assert _approvals(app) == 1


@pytest.mark.django_db(transaction=True)
def test_cancel_and_approve_at_once_leave_one_outcome(world, make_student):
    _needs_postgresql()
    app = _registration(world, make_student)
    answers = _at_once([_poster(world.leader_a, f"/applications/{app.pk}/approve", {"comment": "同意"}),
                        _poster(world.registrar_a, f"/applications/{app.pk}/cancel", {"comment": "撤回"})])
    app.refresh_from_db()
    statuses = [r.status_code for r in answers]
    # Approval first leaves it pending at the county, and the starter may still withdraw it; cancel first
    # closes it and the approval is 409.
    assert statuses in ([200, 200], [409, 200]), [r.content.decode() for r in answers]
    assert app.status == "cancelled"

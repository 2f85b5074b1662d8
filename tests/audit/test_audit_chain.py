"""The audit log is a hash chain: any edit of a past row shows."""

from xueji.audit.models import AuditEvent
from xueji.audit.services import record, verify_chain


def test_chain_verifies_and_detects_tampering(world):
    for i in range(5):
        record(world.county_xd, "test.action", object_type="thing", object_id=str(i), reason="测试")
    intact, checked, broken = verify_chain()
    assert intact and checked >= 5 and broken is None
    victim = AuditEvent.objects.filter(action="test.action").order_by("id")[2]
    AuditEvent.objects.filter(pk=victim.pk).update(reason="改过")
    intact, _checked, broken = verify_chain()
    assert not intact and broken == victim.pk


def test_event_carries_actor_org_and_source(world):
    event = record(world.registrar_a, "test.action", object_type="x", object_id="1", source_ip="10.0.0.8")
    assert event.actor_username == "reg_a" and event.org_code == world.school_a.pk
    assert event.source_ip == "10.0.0.8"

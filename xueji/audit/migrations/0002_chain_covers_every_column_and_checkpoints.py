"""The chain's hash covers every column (the acting user's id included) and each row gets a gapless position;
signed checkpoints pin the head. Existing rows are re-linked under the new hash as far as the old chain held:
a row the old hash already showed tampered stays as it is, so the new check still reports it."""

import hashlib
import json

from django.db import migrations, models


def _old_digest(prev_hash, event):
    # The hash of 0001 (no actor id, no position), kept here to check the rows before re-linking them.
    body = json.dumps([prev_hash, event.at.isoformat(), event.actor_username, event.org_code, event.action,
                       event.object_type, event.object_id, event.source_ip, event.reason, event.outcome,
                       event.details], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def relink(apps, schema_editor):
    from xueji.audit.chain import GENESIS, digest

    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditChainHead")
    old_prev, new_prev, seq, intact, last = GENESIS, GENESIS, 0, True, None
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        fields = {"seq": seq}
        if intact and event.prev_hash == old_prev and _old_digest(old_prev, event) == event.hash:
            old_prev = event.hash
            event.seq, event.prev_hash = seq, new_prev
            fields.update(prev_hash=new_prev, hash=digest(event))
            new_prev = fields["hash"]
        else:
            intact = False
        Event.objects.filter(pk=event.pk).update(**fields)
        last = (event.pk, fields.get("hash", event.hash))
    if last is not None:
        Head.objects.update_or_create(id=1, defaults={"last_event_id": last[0], "last_hash": last[1],
                                                      "last_seq": seq})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True, unique=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="last_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="checkpoint_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(verbose_name="时间")),
                ("seq", models.BigIntegerField(verbose_name="链序号")),
                ("event_id", models.BigIntegerField(verbose_name="记录序号")),
                ("hash", models.CharField(max_length=64)),
                ("signature", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "审计链检查点",
                "verbose_name_plural": "审计链检查点",
                "ordering": ["-seq"],
            },
        ),
        migrations.RunPython(relink, migrations.RunPython.noop),
    ]

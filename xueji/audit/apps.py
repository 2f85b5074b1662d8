from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "xueji.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        from django.db.backends.signals import connection_created

        from xueji.core.middleware import set_refusal_sink

        from . import guard, services

        # Every NotFound and every refused attempt of a request is written by this one writer (第四十四条).
        set_refusal_sink(services.write_refusal)

        def register_seal(sender, connection, **kwargs):
            if connection.vendor == "sqlite":
                connection.connection.create_function("xueji_audit_sealed", 0, guard.sealed, deterministic=False)

        connection_created.connect(register_seal, weak=False, dispatch_uid="xueji_audit_seal")
        checks.register(audit_key_check, checks.Tags.security, deploy=True)


def audit_key_check(app_configs=None, **kwargs):
    from django.conf import settings

    if settings.XUEJI_AUDIT_KEY:
        return []
    return [checks.Warning(
        "未设置 XUEJI_AUDIT_KEY:审计链检查点的签名密钥由 SECRET_KEY 派生。生产环境请设置一个单独保管的长随机串。",
        id="xueji.W001")]

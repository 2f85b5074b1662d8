from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "xueji.certificates"
    label = "certificates"
    verbose_name = "毕业、结业、肄业证书与学历证明"

    def ready(self):
        # The capability owns its change types (结业、肄业、学历证明); importing them registers them with the engine.
        from . import change_types  # noqa: F401

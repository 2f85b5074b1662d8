from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "xueji.certificates"
    label = "certificates"
    verbose_name = "毕业、结业、肄业证书与学历证明"

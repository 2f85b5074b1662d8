from django.apps import AppConfig


class GuardiansConfig(AppConfig):
    name = "xueji.guardians"
    label = "guardians"
    verbose_name = "家长账号与学籍信息核对(人籍一致)"

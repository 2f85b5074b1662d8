from django.apps import AppConfig


class GuardiansConfig(AppConfig):
    name = "xueji.guardians"
    label = "guardians"
    verbose_name = "家长账号与学籍信息核对(人籍一致)"

    def ready(self):
        # A reported error is the registrar's work: it joins his to-do list.
        from . import todo  # noqa: F401

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "xueji.intake"
    label = "intake"
    verbose_name = "新生入学与批量导入"

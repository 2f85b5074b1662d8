from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "xueji.forms"
    label = "forms"
    verbose_name = "表格打印"

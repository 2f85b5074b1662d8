from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "xueji.lookup"
    label = "lookup"
    verbose_name = "学籍号查询(面向家长)"

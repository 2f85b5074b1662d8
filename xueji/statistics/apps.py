from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "xueji.statistics"
    label = "statistics"
    verbose_name = "统计分析"

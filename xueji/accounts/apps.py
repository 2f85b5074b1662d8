from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xueji.accounts"
    label = "accounts"
    verbose_name = "账号"

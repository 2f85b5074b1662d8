from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "xueji.registers"
    label = "registers"
    verbose_name = "学校学籍档案:附件1、2、4与新生入学名册"

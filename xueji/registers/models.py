"""The items of 附件1 and 附件2 that the org tree does not hold: contacts, heads and codes a school keeps current.

The tree (xueji.orgs) holds what decides jurisdiction and rules (code, type, ownership, place); these are the
form's other items, entered by the school's registrar, each change audited. One row per school and per campus,
created on the first save, so a school that never filled them still prints its form with blanks to fill by hand.
"""

from django.conf import settings
from django.db import models

from xueji.orgs.models import Campus, School


class UrbanRural(models.TextChoices):
    # 学校驻地城乡类型 of the statistics standard (城区、镇区、乡村, with their two-digit codes).
    CITY_CORE = "111", "主城区"
    CITY_FRINGE = "112", "城乡结合区"
    TOWN_CENTRE = "121", "镇中心区"
    TOWN_RURAL = "122", "镇乡结合区"
    SPECIAL = "123", "特殊区域"
    VILLAGE_CENTRE = "210", "乡中心区"
    VILLAGE = "220", "村庄"


class SchoolInfo(models.Model):
    school = models.OneToOneField(School, verbose_name="学校", on_delete=models.PROTECT, related_name="register_info",
                                  primary_key=True)
    english_name = models.CharField("学校英文名称", max_length=200, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    urban_rural = models.CharField("学校驻地城乡类型", max_length=3, choices=UrbanRural.choices, blank=True)
    founded = models.CharField("建校年月", max_length=6, blank=True, help_text="YYYYMM,如 195609")
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    fax = models.CharField("传真电话", max_length=30, blank=True)
    email = models.CharField("电子信箱", max_length=100, blank=True)
    homepage = models.CharField("主页地址", max_length=200, blank=True)
    principal = models.CharField("校长姓名", max_length=50, blank=True)
    principal_phone = models.CharField("校长联系电话", max_length=30, blank=True)
    registrar_leader = models.CharField("学籍主管领导", max_length=50, blank=True)
    primary_years = models.PositiveSmallIntegerField("小学学制(年)", null=True, blank=True)
    entry_age = models.PositiveSmallIntegerField("小学入学年龄(岁)", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)

    class Meta:
        verbose_name = "学校基本信息(附件1)"
        verbose_name_plural = "学校基本信息(附件1)"

    def __str__(self) -> str:
        return f"{self.school.name} 基本信息"


class CampusInfo(models.Model):
    campus = models.OneToOneField(Campus, verbose_name="校区", on_delete=models.PROTECT, related_name="register_info",
                                  primary_key=True)
    division_code = models.CharField("校区所在地行政区划", max_length=6, blank=True)
    urban_rural = models.CharField("校区驻地城乡类型", max_length=3, choices=UrbanRural.choices, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    head = models.CharField("校区负责人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)

    class Meta:
        verbose_name = "校区基本信息(附件2)"
        verbose_name_plural = "校区基本信息(附件2)"

    def __str__(self) -> str:
        return f"{self.campus} 基本信息"

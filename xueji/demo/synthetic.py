"""Realistic synthetic Shanxi students: names, addresses, phones, valid ID numbers and guardians.

Pure Python (no Django), so the two users of it stay consistent: the demo loader builds its two thousand
students with these functions and `xueji generate` builds the benchmarks' million with the same ones. A record
comes out in the canonical shape of the policy package (snake_case item names, typed values) and passes
`xueji.policy.record.validate_student`; nothing in the hot path validates, so generation stays fast.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from itertools import accumulate

from xueji.core.inputs import is_digits
from xueji.policy import terms
from xueji.policy.areas import area_history
from xueji.policy.data.shanxi import SHANXI_DIVISIONS
from xueji.policy.idcard import CHECK_CHARS, WEIGHTS

# ---------------------------------------------------------------------------------------------------------
# Names

# Common surnames with rough weights (per mille of the population), tilted to the north: 郭, 贾, 武, 闫, 薛,
# 乔, 温, 令狐 are typically Shanxi, 陈 and 黄 are less common here than in the south.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 72), ("李", 70), ("张", 68), ("刘", 54), ("杨", 31), ("赵", 25), ("陈", 22), ("郭", 20),
    ("高", 14), ("孙", 15), ("马", 13), ("贾", 12), ("周", 12), ("武", 11), ("韩", 10), ("吴", 10),
    ("黄", 9), ("任", 9), ("梁", 9), ("徐", 9), ("胡", 9), ("朱", 8), ("宋", 8), ("田", 8), ("白", 8),
    ("郝", 8), ("闫", 7), ("冯", 6), ("董", 6), ("薛", 6), ("牛", 5), ("乔", 5), ("温", 5), ("段", 5),
    ("侯", 5), ("秦", 5), ("曹", 5), ("程", 5), ("吕", 5), ("杜", 5), ("崔", 5), ("许", 5), ("郑", 5),
    ("何", 5), ("范", 4), ("苏", 4), ("康", 4), ("史", 4), ("常", 4), ("姚", 4), ("邓", 4), ("谢", 4),
    ("罗", 4), ("林", 4), ("卫", 3), ("聂", 3), ("申", 3), ("阎", 3), ("霍", 3), ("尹", 3), ("裴", 3),
    ("柴", 3), ("岳", 3), ("庞", 2), ("焦", 2), ("翟", 2), ("芦", 2), ("曾", 1), ("解", 1), ("单", 1),
    ("令狐", 0.3), ("欧阳", 0.2), ("司马", 0.1),
)
# Given-name characters popular for children born 2008–2021.
BOY_CHARS = "浩宇轩然博文杰俊涛鹏飞翔子豪睿晨泽瑞明辉磊鑫宏伟一凡天佑晟昊铭哲煜航旭东成诚嘉毅辰皓峻锐坤阳亮斌"
GIRL_CHARS = "欣怡梓涵雨萱诗琪佳慧思语若彤晓婷雅静悦妍梦瑶紫薇丽娜芳敏玉秀雪梅晴可馨艺蕾露珊琳倩颖洁婉宁"
SHARED_CHARS = "子一文心安乐清嘉思雨晨诺言"
# Two characters outside the Basic Multilingual Plane and the GB 2312 set, the test of every layer that stores,
# searches and prints a name: 𠮷 (U+20BB7) and 䶮 (U+4DAE, as in 刘䶮). Plus uncommon but BMP ones.
RARE_CHARS = ("𠮷", "䶮", "堃", "喆", "淏", "翀", "燊", "玥", "珺", "犇")
RARE_SHARE = 0.0015
# Parents' generation: the names of people born 1968–1998.
MAN_GIVEN = (
    "建国", "志强", "国华", "海军", "建军", "卫东", "晋生", "晋平", "志勇", "保平", "建平", "永红", "晓东", "伟",
    "强", "军", "勇", "刚", "斌", "鹏", "磊", "涛", "波", "亮", "俊峰", "海涛", "文斌", "宏伟", "利军", "瑞",
)
WOMAN_GIVEN = (
    "丽", "芳", "敏", "静", "娟", "燕", "霞", "红", "艳", "玲", "秀英", "桂兰", "晓燕", "丽娜", "海燕", "晋芳",
    "慧", "瑞霞", "秀梅", "俊英", "雪梅", "彩霞", "丽萍", "晓红", "美玲", "春梅", "建英", "丽君", "小琴", "婷",
)
# Surnames and rare characters whose everyday reading pypinyin gets wrong or does not know.
PINYIN_OVERRIDES = {
    "曾": "ZENG", "单": "SHAN", "解": "XIE", "令狐": "LING HU", "欧阳": "OU YANG", "司马": "SI MA",
    "𠮷": "JI", "䶮": "YAN",
}

# ---------------------------------------------------------------------------------------------------------
# Places

CITY_POSTCODES = {
    "140100": "030000", "140200": "037000", "140300": "045000", "140400": "046000", "140500": "048000",
    "140600": "036000", "140700": "030600", "140800": "044000", "140900": "034000", "141000": "041000",
    "141100": "033000",
}
COUNTY_POSTCODES = {
    "140105": ("030006", "030032", "030031"), "140106": ("030001", "030002", "030012"),
    "140107": ("030009", "030013"), "140108": ("030003", "030008"), "140109": ("030024", "030027"),
    "140110": ("030025",), "140121": ("030400",), "140122": ("030100",), "140123": ("030300",),
    "140181": ("030200",),
}
# Real roads of Taiyuan's districts; elsewhere the everyday street names every county town has.
STREETS = {
    "140105": ("坞城路", "长治路", "体育路", "平阳路", "亲贤北街", "南内环街", "许坦东街", "学府街", "真武路",
               "龙城大街", "北营南路", "太榆路", "人民南路", "并州南路", "府东街"),
    "140106": ("迎泽大街", "新建南路", "五一路", "解放南路", "桃园南路", "双塔西街", "并州北路", "朝阳街",
               "建设南路", "青年路", "柳巷", "郝庄正街", "老军营南路", "文庙巷"),
    "140107": ("府西街", "解放路", "胜利街", "坝陵桥", "敦化坊", "新建路", "北大街", "杏花岭街"),
    "140108": ("兴华街", "迎新街", "胜利街", "柏杨树街", "古城街", "涧河路"),
    "140109": ("和平北路", "千峰南路", "长风西街", "兴华街", "公园路", "滨河西路", "漪汾街", "下元街"),
    "140110": ("晋祠路", "新晋祠路", "晋源东街", "金胜路", "义井街"),
}
TOWN_STREETS = (
    "人民路", "解放路", "建设路", "新华街", "和平街", "文化路", "府前街", "迎宾路", "朝阳路", "东风路",
    "胜利路", "育才路", "滨河路", "北大街", "南大街", "东大街", "西大街", "中心街", "体育路", "工业路",
)
COMPOUNDS = (
    "阳光小区", "和平小区", "康乐苑", "锦绣苑", "龙城华府", "恒大绿洲", "万科城", "富力城", "星河湾", "金地花园",
    "御景园", "幸福家园", "滨河花园", "华宇绿洲", "泰和园", "学府苑", "紫苑小区", "职工小区",
)
TOWNS = ("城关镇", "新城镇", "东关镇", "西关镇", "北关镇", "南关镇", "古城镇", "龙泉镇", "东阳镇", "河西乡")
VILLAGES = (
    "东庄村", "西沟村", "南坪村", "北堡村", "王家庄村", "李家堡村", "张家河村", "赵村", "后沟村", "前进村",
    "红旗村", "新庄村", "大寨村", "马家湾村", "柳树沟村", "郭家寨村", "下庄村", "上社村",
)
# Where the children of migrant workers (随迁子女) come from: Shanxi's rural counties and the neighbours.
OUTSIDE_HUKOU = ("410526", "410523", "130424", "150221", "610528", "412726")

# ---------------------------------------------------------------------------------------------------------
# Work, phones, hobbies, ethnicity

EMPLOYERS_CITY = (
    "太原钢铁(集团)有限公司", "山西焦煤集团有限责任公司", "晋能控股集团有限公司", "山西建设投资集团有限公司",
    "中国移动通信集团山西有限公司", "国网山西省电力公司", "山西省人民医院", "山西医科大学第一医院", "山西大学",
    "太原理工大学", "中国工商银行山西省分行", "山西杏花村汾酒厂股份有限公司", "太原市公共交通控股(集团)有限公司",
    "山西省农村信用社联合社", "个体经营", "自由职业", "外出务工",
)
EMPLOYERS_COUNTY = ("务农", "务农", "务农", "个体经营", "外出务工", "外出务工", "自由职业")
POSITIONS = ("职员", "工程师", "教师", "医生", "护士", "经理", "会计", "技术员", "司机", "工人", "销售", "科员")
NO_POSITION = {"务农", "个体经营", "自由职业", "外出务工"}
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "183", "187",
    "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "177", "199",
)
SPECIALTIES = (
    "书法", "钢琴", "绘画", "舞蹈", "篮球", "足球", "围棋", "象棋", "古筝", "跆拳道", "游泳", "朗诵", "小提琴",
    "乒乓球", "编程", "二胡", "合唱", "田径",
)
# GB 3304 codes: mostly 汉族, with the 回族, 蒙古族 and 满族 communities of northern Shanxi and a few others.
ETHNICITIES = (("01", 9700), ("03", 140), ("02", 60), ("11", 60), ("08", 10), ("10", 10), ("15", 10), ("06", 10))

# ID sequence codes: a fixed shuffle of the 500 order levels so numbers look like real ones ("...0537")
# while the allocator still counts levels upward from whatever the database already holds.
_ORDER_SHUFFLE = random.Random(11643).sample(range(500), 500)
LEVEL_OF_ORDER = {2 * base + odd: level for level, base in enumerate(_ORDER_SHUFFLE) for odd in (0, 1)}
DAY_STRIDE = 7919  # prime, so it walks every day of a 365- or 366-day span before repeating one


def school_year_of(today: datetime.date) -> int:
    """The school year of `today` by the calendar (the generator runs before any term is set)."""
    return terms.school_year_of(today)


def cohort_start(grade: int, school_year: int) -> int:
    """Birth 'bucket' year of grade g: born 1 Sept (year-6-g) to 31 Aug of the following year."""
    return school_year - 6 - grade


def stage_first_grade(grade: int) -> int:
    return 1 if grade <= 6 else 7 if grade <= 9 else 10


def entry_year(grade: int, school_year: int) -> int:
    """The September the student entered the current stage (item 24)."""
    return school_year - (grade - stage_first_grade(grade))


def class_entry_year(grade: int, first_grade: int, school_year: int) -> int:
    """The 届 of a class: the September its cohort entered the school. In a 九年一贯制 school the 初一 classes
    entered in 一年级, which also keeps them apart from this year's 一年级 classes of the same name."""
    return school_year - (grade - first_grade)


@dataclass(frozen=True)
class Place:
    """A county-level division with what addresses and IDs from it need."""

    code: str
    name: str
    city_code: str
    city_name: str
    urban: bool  # a city district (区), as against a county or county-level city
    prefix: str  # the address up to the county: 山西省太原市小店区


@cache
def places() -> dict[str, Place]:
    names = {code: name for code, name, _level, _parent in SHANXI_DIVISIONS}
    return {
        code: Place(code, name, parent, names[parent], name.endswith("区"), f"山西省{names[parent]}{name}")
        for code, name, level, parent in SHANXI_DIVISIONS
        if level == "county"
    }


def _valid_in(code: str, bucket: int) -> bool:
    """Whether the code was in use through a whole birth bucket (1 Sept `bucket` to 31 Aug the next year)."""
    return any(
        (start is None or start <= bucket) and (end is None or bucket + 1 < end)
        for _name, start, end in area_history(code)
    )


def _stem(name: str) -> str:
    # 榆次区 and 榆次市 are the same place renamed: compare without the level suffix.
    return name[:-1] if len(name) > 2 and name[-1] in "县市区" else name


@cache
def _shanxi_codes_by_stem() -> dict[str, list[str]]:
    # The registry's GB/T 2260 history, to find a county's code of an earlier time (祁县 was 142430).
    text = (files("xueji.policy.data") / "areas.tsv").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for line in text.splitlines()[1:]:
        code, name, _start, _end = line.split("\t")
        if code.startswith("14") and not code.endswith(("00", "01")):
            found.setdefault(_stem(name), []).append(code)
    return found


@cache
def id_area(county: str, bucket: int) -> str:
    """The area code an ID issued to someone born in birth bucket `bucket` would carry: the county's code if it
    existed then, else the same place's code of that time (祁县 142430 before 1999, 榆次市 142401 before 榆次区),
    else a code of its city then, else any Shanxi code of that time: numbers fit the division history."""
    if _valid_in(county, bucket):
        return county
    history = area_history(county)
    stem = _stem(history[-1][0]) if history else ""
    for code in _shanxi_codes_by_stem().get(stem, []):
        if _valid_in(code, bucket):
            return code
    city = county[:4]
    older = [f"{city}{n:02d}" for n in range(2, 100) if _valid_in(f"{city}{n:02d}", bucket)]
    if older:
        return older[len(older) // 2]
    anywhere = sorted(c for codes in _shanxi_codes_by_stem().values() for c in codes if _valid_in(c, bucket))
    return anywhere[int(county) % len(anywhere)] if anywhere else county


class IdAllocator:
    """Hands out distinct, valid 居民身份证 numbers.

    Birth dates come in buckets running 1 Sept to 31 Aug, so two requests either share a bucket or cannot share a
    date. Within (area, bucket, gender) the n-th number takes day (offset + n·stride) mod days and order level
    n // days; levels start above the highest level the database already uses for that area and gender, so a
    new number can never equal an old one, whatever its date.
    """

    def __init__(self, rng: random.Random, used_levels: dict[tuple[str, str], int] | None = None):
        self.rng = rng
        self.first_level = dict(used_levels or {})
        self.counters: dict[tuple[str, int, str], list[int]] = {}

    @staticmethod
    def used_levels_from(pairs) -> dict[tuple[str, str], int]:
        """{(area, gender): highest level} from (area, order) pairs found in existing numbers."""
        found: dict[tuple[str, str], int] = {}
        for area, order in pairs:
            if not (is_digits(order) and int(order) in LEVEL_OF_ORDER):
                continue
            key = (area, "1" if int(order) % 2 else "2")
            found[key] = max(found.get(key, -1), LEVEL_OF_ORDER[int(order)])
        return {key: level + 1 for key, level in found.items()}

    def allocate(self, area: str, bucket: int, gender: str) -> tuple[str, datetime.date]:
        key = (area, bucket, gender)
        state = self.counters.get(key)
        if state is None:
            start = datetime.date(bucket, 9, 1).toordinal()
            days = datetime.date(bucket + 1, 9, 1).toordinal() - start
            state = self.counters[key] = [0, self.rng.randrange(days), start, days]
        n, offset, start, days = state
        state[0] += 1
        level = self.first_level.get((area, gender), 0) + n // days
        if level >= 500:
            raise RuntimeError(f"地区{area}的身份证顺序码已用尽")
        ymd, born = _day(start + (offset + n * DAY_STRIDE) % days)
        order = f"{2 * _ORDER_SHUFFLE[level] + (1 if gender == '1' else 0):03d}"
        return f"{area}{ymd}{order}{_check(area, ymd, order)}", born


@cache
def _day(ordinal: int) -> tuple[str, datetime.date]:
    day = datetime.date.fromordinal(ordinal)
    return f"{day:%Y%m%d}", day


@cache
def _weighted_sum(digits: str, offset: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS[offset:], strict=False))


def _check(area: str, ymd: str, order: str) -> str:
    """idcard.check_digit's arithmetic in three cached parts (area, date, order): the weighted sum is linear,
    and a million numbers would otherwise spend much of their time re-adding the same area and date digits.
    The tests compare every generated number with idcard.check_digit."""
    total = _weighted_sum(area, 0) + _weighted_sum(ymd, 6) + _weighted_sum(order, 14)
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class SchoolInfo:
    """What the generator needs to know of a school."""

    code: str
    county: str
    school_type: str
    private: bool = False
    boarding: float = 0.02  # share of students living at school


class FastRandom(random.Random):
    """random.Random whose choice, randint and randrange are built on one random() call: several times faster
    than the exact versions and uniform enough for synthetic data, which matters at a million records."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def weighted(self, items, cumulative):
        """One item, drawn with the weights whose running totals are `cumulative`."""
        return items[bisect(cumulative, self.random() * cumulative[-1])]


def _weighted(pairs):
    items = [item for item, _w in pairs]
    cumulative = list(accumulate(weight for _item, weight in pairs))
    return items, cumulative


_SURNAME_ITEMS, _SURNAME_CUM = _weighted(SURNAMES)
_ETHNIC_ITEMS, _ETHNIC_CUM = _weighted(ETHNICITIES)


@cache
def _pinyin_table() -> dict[str, str]:
    from pypinyin import Style, lazy_pinyin

    chars = set(BOY_CHARS + GIRL_CHARS + SHARED_CHARS) | {s for s, _w in SURNAMES} | set(RARE_CHARS)
    table = {c: " ".join(lazy_pinyin(c, style=Style.NORMAL, errors="ignore")).upper() for c in chars}
    return table | PINYIN_OVERRIDES


def name_pinyin(surname: str, given: str) -> str:
    table = _pinyin_table()
    return " ".join([table[surname], *(table.get(c, "") for c in given)]).strip()


class Synth:
    """A seeded generator of whole student records (with guardians) for given schools and grades."""

    def __init__(self, seed: int = 2026, *, today: datetime.date | None = None,
                 used_levels: dict[tuple[str, str], int] | None = None):
        self.rng = FastRandom(seed)
        self.ids = IdAllocator(self.rng, used_levels)
        self.today = today or datetime.date.today()
        self.school_year = school_year_of(self.today)
        self.places = places()
        self.county_codes = tuple(self.places)
        self.rural_codes = tuple(p.code for p in self.places.values() if not p.urban)

    # -- small pieces -----------------------------------------------------------------------------------------
    def surname(self) -> str:
        return self.rng.weighted(_SURNAME_ITEMS, _SURNAME_CUM)

    def child_given(self, gender: str, rare: str | None = None) -> str:
        """One or two characters; `rare` forces that character as the last one."""
        rng = self.rng
        pool = BOY_CHARS if gender == "1" else GIRL_CHARS
        first = rng.choice(SHARED_CHARS if rng.random() < 0.2 else pool)
        given = first + rng.choice(pool) if rng.random() < 0.8 else rng.choice(pool)
        if rare or rng.random() < RARE_SHARE:
            given = given[:-1] + (rare or rng.choice(RARE_CHARS))
        return given

    def adult_name(self, gender: str, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.rng.choice(MAN_GIVEN if gender == "1" else WOMAN_GIVEN)

    def phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def ethnicity(self) -> str:
        return self.rng.weighted(_ETHNIC_ITEMS, _ETHNIC_CUM)

    def postcode(self, place: Place) -> str:
        options = COUNTY_POSTCODES.get(place.code)
        return self.rng.choice(options) if options else CITY_POSTCODES.get(place.city_code, "030000")

    def address(self, place: Place) -> str:
        """A full-length address: a flat in a county town or city, or a house in a village."""
        rng = self.rng
        if not place.urban and rng.random() < 0.55:
            return f"{place.prefix}{rng.choice(TOWNS)}{rng.choice(VILLAGES)}{rng.randint(1, 9)}组{rng.randint(1, 120)}号"
        street = rng.choice(STREETS.get(place.code, TOWN_STREETS))
        flat = f"{rng.randint(1, 24)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 26)}{rng.randint(1, 4):02d}室"
        if rng.random() < 0.5:
            return f"{place.prefix}{street}{rng.randint(1, 300)}号院{flat}"
        return f"{place.prefix}{street}{rng.randint(1, 300)}号{rng.choice(COMPOUNDS)}{flat}"

    def employer(self, place: Place) -> tuple[str, str]:
        rng = self.rng
        pool = EMPLOYERS_CITY if place.urban or rng.random() < 0.3 else EMPLOYERS_COUNTY
        if rng.random() < 0.12:
            employer = rng.choice((f"{place.city_name}{place.name}人民政府", f"{place.name}人民医院",
                                   f"{place.city_name}{place.name}教育局"))
        else:
            employer = rng.choice(pool)
        return employer, ("" if employer in NO_POSITION else rng.choice(POSITIONS))

    # -- one record -------------------------------------------------------------------------------------------
    def student(self, school: SchoolInfo, grade: int, *, gender: str | None = None,
                rare_char: str | None = None) -> dict:
        """A complete record of a student in `grade` at `school`, guardians included."""
        rng = self.rng
        place = self.places[school.county]
        gender = gender or ("1" if rng.random() < 0.52 else "2")
        bucket = cohort_start(grade, self.school_year)
        migrant = place.urban and rng.random() < 0.08
        hukou = self._migrant_hukou() if migrant else place.code
        id_number, born = self.ids.allocate(id_area(hukou, bucket), bucket, gender)
        surname, given = self.surname(), self.child_given(gender, rare_char)
        boarding = rng.random() < school.boarding
        left_behind = "0" if migrant or place.urban else rng.weighted("012", (91, 97, 100))
        home = self.address(place)
        record = {
            "name": surname + given, "gender": gender, "birth_date": born,
            "birthplace": hukou if rng.random() < 0.6 else place.code,
            "native_place": hukou if rng.random() < 0.8 else rng.choice(self.county_codes),
            "ethnicity": self.ethnicity(), "nationality": "CHN", "id_type": "1", "id_number": id_number,
            "hmt_overseas": "00", "political_status": _political(rng, grade),
            "name_pinyin": name_pinyin(surname, given), "former_name": "", "id_valid_until": "",
            "hukou_location": hukou, "hukou_nature": _hukou_nature(rng, place, migrant),
            "specialty": rng.choice(SPECIALTIES) if rng.random() < 0.15 else "",
            "aux_number": "", "grade": grade,
            "entry_month": f"{entry_year(grade, self.school_year)}09",
            "entry_mode": _entry_mode(rng, grade, school.private),
            "attendance_mode": "2" if boarding else "1", "student_source": "1",
            "current_address": home, "mailing_address": home, "home_address": home,
            "postcode": self.postcode(place),
            "email": f"{rng.randrange(10**7, 10**10)}@qq.com" if rng.random() < 0.05 else "", "homepage": "",
            "only_child": rng.random() < (0.45 if place.urban else 0.25),
            "preschool": rng.random() < 0.96, "left_behind": left_behind, "migrant_child": migrant,
            "orphan": rng.random() < 0.001, "martyr_child": rng.random() < 0.0005,
            "govt_funded_place": school.private and grade <= 9 and rng.random() < 0.3,
        }
        record |= _health(rng)
        record |= _aid(rng, place, boarding, grade)
        record |= _commute(rng, place, boarding)
        record["family"] = self.family(record, surname, place, bucket)
        record["phone"] = record["family"][0]["phone"]
        return record

    def _migrant_hukou(self) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return rng.choice(OUTSIDE_HUKOU)
        return rng.choice(self.rural_codes)

    # -- guardians --------------------------------------------------------------------------------------------
    def family(self, child: dict, surname: str, place: Place, bucket: int) -> list[dict]:
        """Two members: the parents; grandparents for an orphan; a grandparent at home and the parent working
        away for a child left behind by both parents."""
        rng = self.rng
        grandpa = bucket - rng.randint(50, 66)
        if child["orphan"]:
            return [self.member("61", "1", surname, grandpa, child, place),
                    self.member("62", "2", self.surname(), grandpa + rng.randint(-3, 5), child, place)]
        father = self.member("51", "1", surname, bucket - rng.randint(26, 40), child, place)
        mother = self.member("52", "2", self.surname(), bucket - rng.randint(25, 37), child, place)
        if child["left_behind"] != "0":
            father["employer"], father["position"] = "外出务工", ""
        if child["left_behind"] == "2":
            return [self.member("61", "1", surname, grandpa, child, place), father]
        if child["left_behind"] == "1":
            return [mother, father]
        return [father, mother] if rng.random() < 0.55 else [mother, father]

    def member(self, relation: str, gender: str, surname: str, bucket: int, child: dict, place: Place) -> dict:
        hukou = child["hukou_location"]
        id_number, _born = self.ids.allocate(id_area(hukou, bucket), bucket, gender)
        employer, position = self.employer(place)
        return {
            "name": self.adult_name(gender, surname), "relation": relation, "relation_note": "",
            "ethnicity": child["ethnicity"] if relation != "52" or self.rng.random() < 0.9 else "01",
            "employer": employer, "address": child["current_address"], "hukou_location": hukou,
            "phone": self.phone(), "is_guardian": True, "id_type": "1", "id_number": id_number,
            "position": position,
        }


def _political(rng: FastRandom, grade: int) -> str:
    # 少先队员 (local code 14) from grade 2; 共青团员 from the end of junior high.
    if grade == 1:
        return ""
    if grade <= 8:
        return "14"
    if grade == 9:
        return "03" if rng.random() < 0.5 else "14"
    return "03" if rng.random() < 0.8 else "13"


def _hukou_nature(rng: FastRandom, place: Place, migrant: bool) -> str:
    if migrant:
        return "1"
    if place.urban:
        return "2" if rng.random() < 0.85 else "1"
    return "1" if rng.random() < 0.7 else "2"


def _entry_mode(rng: FastRandom, grade: int, private: bool) -> str:
    if grade >= 10:
        return rng.weighted(("21", "22", "23", "99"), (92, 95, 99, 100))
    # Private schools admit by their own enrolment, not by catchment: 其他.
    return "12" if (private and rng.random() < 0.7) or rng.random() < 0.03 else "11"


def _health(rng: FastRandom) -> dict:
    roll = rng.random()
    if roll < 0.003:
        kind = rng.choice(("1", "2", "4"))
        inclusive = {"1": "1", "2": "2", "4": "4"}[kind]
        return {"health_status": "50", "disability_type": kind, "inclusive_study": inclusive}
    status = "10" if roll < 0.96 else rng.choice(("20", "20", "30", "40"))
    return {"health_status": status, "disability_type": "0", "inclusive_study": "0"}


def _aid(rng: FastRandom, place: Place, boarding: bool, grade: int) -> dict:
    needs = rng.random() < (0.03 if place.urban else 0.08)
    # 一补 is the boarding subsidy of the compulsory stage for families in difficulty.
    return {"needs_aid": needs, "one_subsidy": needs and boarding and grade <= 9}


def _commute(rng: FastRandom, place: Place, boarding: bool) -> dict:
    if boarding:
        km = rng.uniform(5, 40)
    else:
        km = rng.uniform(0.2, 4) if place.urban else rng.uniform(0.3, 10)
    if km < 1:
        mode = "1"
    elif km < 3:
        mode = rng.choice(("4", "4", "4", "2", "3"))
    elif not place.urban and not boarding and rng.random() < 0.4:
        mode = "5"
    else:
        mode = rng.choice(("4", "3"))
    return {"commute_distance": Decimal(f"{km:.1f}"), "commute_mode": mode, "needs_school_bus": mode == "5"}

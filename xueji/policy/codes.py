"""Code tables of the student record (student-fields.md), each an ordered dict code -> Chinese label.

Codes follow the national standards named on each table; where the spec lets a province extend
a table, the extension is marked. Imports accept the code or the exact label (design.md).
"""

from __future__ import annotations

import re
import unicodedata

CodeTable = dict[str, str]

# GB/T 2261.1
GENDER: CodeTable = {"1": "男", "2": "女"}

# GB 3304-1991, in the standard's order.
ETHNICITY: CodeTable = {
    "01": "汉族",
    "02": "蒙古族",
    "03": "回族",
    "04": "藏族",
    "05": "维吾尔族",
    "06": "苗族",
    "07": "彝族",
    "08": "壮族",
    "09": "布依族",
    "10": "朝鲜族",
    "11": "满族",
    "12": "侗族",
    "13": "瑶族",
    "14": "白族",
    "15": "土家族",
    "16": "哈尼族",
    "17": "哈萨克族",
    "18": "傣族",
    "19": "黎族",
    "20": "傈僳族",
    "21": "佤族",
    "22": "畲族",
    "23": "高山族",
    "24": "拉祜族",
    "25": "水族",
    "26": "东乡族",
    "27": "纳西族",
    "28": "景颇族",
    "29": "柯尔克孜族",
    "30": "土族",
    "31": "达斡尔族",
    "32": "仫佬族",
    "33": "羌族",
    "34": "布朗族",
    "35": "撒拉族",
    "36": "毛南族",
    "37": "仡佬族",
    "38": "锡伯族",
    "39": "阿昌族",
    "40": "普米族",
    "41": "塔吉克族",
    "42": "怒族",
    "43": "乌孜别克族",
    "44": "俄罗斯族",
    "45": "鄂温克族",
    "46": "德昂族",
    "47": "保安族",
    "48": "裕固族",
    "49": "京族",
    "50": "塔塔尔族",
    "51": "独龙族",
    "52": "鄂伦春族",
    "53": "赫哲族",
    "54": "门巴族",
    "55": "珞巴族",
    "56": "基诺族",
    "97": "其他",
    "98": "外国血统中国籍人士",
}

# GB/T 2659 alpha-3 (the ISO 3166-1 list) with Chinese short names; sorted by code.
NATIONALITY: CodeTable = {
    "ABW": "阿鲁巴",
    "AFG": "阿富汗",
    "AGO": "安哥拉",
    "AIA": "安圭拉",
    "ALA": "奥兰群岛",
    "ALB": "阿尔巴尼亚",
    "AND": "安道尔",
    "ARE": "阿联酋",
    "ARG": "阿根廷",
    "ARM": "亚美尼亚",
    "ASM": "美属萨摩亚",
    "ATA": "南极洲",
    "ATF": "法属南部领地",
    "ATG": "安提瓜和巴布达",
    "AUS": "澳大利亚",
    "AUT": "奥地利",
    "AZE": "阿塞拜疆",
    "BDI": "布隆迪",
    "BEL": "比利时",
    "BEN": "贝宁",
    "BES": "荷兰加勒比区",
    "BFA": "布基纳法索",
    "BGD": "孟加拉国",
    "BGR": "保加利亚",
    "BHR": "巴林",
    "BHS": "巴哈马",
    "BIH": "波黑",
    "BLM": "圣巴泰勒米",
    "BLR": "白俄罗斯",
    "BLZ": "伯利兹",
    "BMU": "百慕大",
    "BOL": "玻利维亚",
    "BRA": "巴西",
    "BRB": "巴巴多斯",
    "BRN": "文莱",
    "BTN": "不丹",
    "BVT": "布韦岛",
    "BWA": "博茨瓦纳",
    "CAF": "中非",
    "CAN": "加拿大",
    "CCK": "科科斯(基林)群岛",
    "CHE": "瑞士",
    "CHL": "智利",
    "CHN": "中国",
    "CIV": "科特迪瓦",
    "CMR": "喀麦隆",
    "COD": "刚果(金)",
    "COG": "刚果(布)",
    "COK": "库克群岛",
    "COL": "哥伦比亚",
    "COM": "科摩罗",
    "CPV": "佛得角",
    "CRI": "哥斯达黎加",
    "CUB": "古巴",
    "CUW": "库拉索",
    "CXR": "圣诞岛",
    "CYM": "开曼群岛",
    "CYP": "塞浦路斯",
    "CZE": "捷克",
    "DEU": "德国",
    "DJI": "吉布提",
    "DMA": "多米尼克",
    "DNK": "丹麦",
    "DOM": "多米尼加",
    "DZA": "阿尔及利亚",
    "ECU": "厄瓜多尔",
    "EGY": "埃及",
    "ERI": "厄立特里亚",
    "ESH": "西撒哈拉",
    "ESP": "西班牙",
    "EST": "爱沙尼亚",
    "ETH": "埃塞俄比亚",
    "FIN": "芬兰",
    "FJI": "斐济",
    "FLK": "福克兰群岛(马尔维纳斯)",
    "FRA": "法国",
    "FRO": "法罗群岛",
    "FSM": "密克罗尼西亚联邦",
    "GAB": "加蓬",
    "GBR": "英国",
    "GEO": "格鲁吉亚",
    "GGY": "根西",
    "GHA": "加纳",
    "GIB": "直布罗陀",
    "GIN": "几内亚",
    "GLP": "瓜德罗普",
    "GMB": "冈比亚",
    "GNB": "几内亚比绍",
    "GNQ": "赤道几内亚",
    "GRC": "希腊",
    "GRD": "格林纳达",
    "GRL": "格陵兰",
    "GTM": "危地马拉",
    "GUF": "法属圭亚那",
    "GUM": "关岛",
    "GUY": "圭亚那",
    "HKG": "中国香港",
    "HMD": "赫德岛和麦克唐纳群岛",
    "HND": "洪都拉斯",
    "HRV": "克罗地亚",
    "HTI": "海地",
    "HUN": "匈牙利",
    "IDN": "印度尼西亚",
    "IMN": "马恩岛",
    "IND": "印度",
    "IOT": "英属印度洋领地",
    "IRL": "爱尔兰",
    "IRN": "伊朗",
    "IRQ": "伊拉克",
    "ISL": "冰岛",
    "ISR": "以色列",
    "ITA": "意大利",
    "JAM": "牙买加",
    "JEY": "泽西",
    "JOR": "约旦",
    "JPN": "日本",
    "KAZ": "哈萨克斯坦",
    "KEN": "肯尼亚",
    "KGZ": "吉尔吉斯斯坦",
    "KHM": "柬埔寨",
    "KIR": "基里巴斯",
    "KNA": "圣基茨和尼维斯",
    "KOR": "韩国",
    "KWT": "科威特",
    "LAO": "老挝",
    "LBN": "黎巴嫩",
    "LBR": "利比里亚",
    "LBY": "利比亚",
    "LCA": "圣卢西亚",
    "LIE": "列支敦士登",
    "LKA": "斯里兰卡",
    "LSO": "莱索托",
    "LTU": "立陶宛",
    "LUX": "卢森堡",
    "LVA": "拉脱维亚",
    "MAC": "中国澳门",
    "MAF": "法属圣马丁",
    "MAR": "摩洛哥",
    "MCO": "摩纳哥",
    "MDA": "摩尔多瓦",
    "MDG": "马达加斯加",
    "MDV": "马尔代夫",
    "MEX": "墨西哥",
    "MHL": "马绍尔群岛",
    "MKD": "北马其顿",
    "MLI": "马里",
    "MLT": "马耳他",
    "MMR": "缅甸",
    "MNE": "黑山",
    "MNG": "蒙古",
    "MNP": "北马里亚纳",
    "MOZ": "莫桑比克",
    "MRT": "毛里塔尼亚",
    "MSR": "蒙特塞拉特",
    "MTQ": "马提尼克",
    "MUS": "毛里求斯",
    "MWI": "马拉维",
    "MYS": "马来西亚",
    "MYT": "马约特",
    "NAM": "纳米比亚",
    "NCL": "新喀里多尼亚",
    "NER": "尼日尔",
    "NFK": "诺福克岛",
    "NGA": "尼日利亚",
    "NIC": "尼加拉瓜",
    "NIU": "纽埃",
    "NLD": "荷兰",
    "NOR": "挪威",
    "NPL": "尼泊尔",
    "NRU": "瑙鲁",
    "NZL": "新西兰",
    "OMN": "阿曼",
    "PAK": "巴基斯坦",
    "PAN": "巴拿马",
    "PCN": "皮特凯恩",
    "PER": "秘鲁",
    "PHL": "菲律宾",
    "PLW": "帕劳",
    "PNG": "巴布亚新几内亚",
    "POL": "波兰",
    "PRI": "波多黎各",
    "PRK": "朝鲜",
    "PRT": "葡萄牙",
    "PRY": "巴拉圭",
    "PSE": "巴勒斯坦",
    "PYF": "法属波利尼西亚",
    "QAT": "卡塔尔",
    "REU": "留尼汪",
    "ROU": "罗马尼亚",
    "RUS": "俄罗斯",
    "RWA": "卢旺达",
    "SAU": "沙特阿拉伯",
    "SDN": "苏丹",
    "SEN": "塞内加尔",
    "SGP": "新加坡",
    "SGS": "南乔治亚岛和南桑德韦奇岛",
    "SHN": "圣赫勒拿",
    "SJM": "斯瓦尔巴和扬马延",
    "SLB": "所罗门群岛",
    "SLE": "塞拉利昂",
    "SLV": "萨尔瓦多",
    "SMR": "圣马力诺",
    "SOM": "索马里",
    "SPM": "圣皮埃尔和密克隆",
    "SRB": "塞尔维亚",
    "SSD": "南苏丹",
    "STP": "圣多美和普林西比",
    "SUR": "苏里南",
    "SVK": "斯洛伐克",
    "SVN": "斯洛文尼亚",
    "SWE": "瑞典",
    "SWZ": "斯威士兰",
    "SXM": "荷属圣马丁",
    "SYC": "塞舌尔",
    "SYR": "叙利亚",
    "TCA": "特克斯和凯科斯群岛",
    "TCD": "乍得",
    "TGO": "多哥",
    "THA": "泰国",
    "TJK": "塔吉克斯坦",
    "TKL": "托克劳",
    "TKM": "土库曼斯坦",
    "TLS": "东帝汶",
    "TON": "汤加",
    "TTO": "特立尼达和多巴哥",
    "TUN": "突尼斯",
    "TUR": "土耳其",
    "TUV": "图瓦卢",
    "TWN": "中国台湾",
    "TZA": "坦桑尼亚",
    "UGA": "乌干达",
    "UKR": "乌克兰",
    "UMI": "美国本土外小岛屿",
    "URY": "乌拉圭",
    "USA": "美国",
    "UZB": "乌兹别克斯坦",
    "VAT": "梵蒂冈",
    "VCT": "圣文森特和格林纳丁斯",
    "VEN": "委内瑞拉",
    "VGB": "英属维尔京群岛",
    "VIR": "美属维尔京群岛",
    "VNM": "越南",
    "VUT": "瓦努阿图",
    "WLF": "瓦利斯和富图纳",
    "WSM": "萨摩亚",
    "YEM": "也门",
    "ZAF": "南非",
    "ZMB": "赞比亚",
    "ZWE": "津巴布韦",
}

# Item 8, as the national template lists it.
ID_TYPE: CodeTable = {
    "1": "居民身份证",
    "6": "香港特区护照/身份证明",
    "7": "澳门特区护照/身份证明",
    "8": "台湾居民来往大陆通行证",
    "9": "境外永久居住证",
    "A": "护照",
    "Z": "其他",
}
ID_TYPE_RESIDENT = "1"
ID_TYPE_NONE = "Z"

# Item 10, 港澳台侨外.
HMT_OVERSEAS: CodeTable = {
    "00": "否",
    "01": "香港同胞",
    "02": "香港同胞亲属",
    "03": "澳门同胞",
    "04": "澳门同胞亲属",
    "05": "台湾同胞",
    "06": "台湾同胞亲属",
    "11": "华侨",
    "12": "侨眷",
    "13": "归侨",
    "14": "归侨子女",
    "21": "归国留学人员",
    "31": "非华裔中国人",
    "41": "外籍华裔人",
    "51": "外国人",
    "99": "其他",
}

# GB/T 4762-1984 short names (01-13). 少先队员 is not in the standard, which stops at 13;
# the spec allows it locally, so it takes the next free code 14 as a local extension.
POLITICAL: CodeTable = {
    "01": "中共党员",
    "02": "中共预备党员",
    "03": "共青团员",
    "04": "民革会员",
    "05": "民盟盟员",
    "06": "民建会员",
    "07": "民进会员",
    "08": "农工党党员",
    "09": "致公党党员",
    "10": "九三学社社员",
    "11": "台盟盟员",
    "12": "无党派民主人士",
    "13": "群众",
    "14": "少先队员",
}

# GB/T 2261.3
HEALTH: CodeTable = {
    "10": "健康或良好",
    "20": "一般或较弱",
    "30": "有慢性病",
    "40": "有生理缺陷",
    "50": "残疾",
}

# 居民户口 is for provinces that unified the household register.
HUKOU_NATURE: CodeTable = {"1": "农业户口", "2": "非农业户口", "3": "居民户口"}

# Item 25: 1x for the compulsory stage, 2x/99 for high school. Both stages have an "其他".
ENTRY_MODE: CodeTable = {
    "11": "就近入学",
    "12": "其他",
    "21": "统一招生考试/普通入学",
    "22": "体育特招",
    "23": "艺术特招",
    "99": "其他",
}
ENTRY_MODE_COMPULSORY = ("11", "12")
ENTRY_MODE_SENIOR = ("21", "22", "23", "99")

ATTENDANCE_MODE: CodeTable = {"1": "走读", "2": "住校"}
STUDENT_SOURCE: CodeTable = {"1": "正常入学", "2": "借读", "9": "其他"}
LEFT_BEHIND: CodeTable = {"0": "非留守儿童", "1": "单亲留守儿童", "2": "双亲留守儿童"}

INCLUSIVE_STUDY: CodeTable = {
    "0": "非随班就读",
    "1": "视力残疾随班就读",
    "2": "听力残疾随班就读",
    "3": "智力残疾随班就读",
    "4": "其他残疾随班就读",
}

DISABILITY: CodeTable = {
    "0": "无残疾",
    "1": "视力残疾",
    "2": "听力残疾",
    "3": "言语残疾",
    "4": "肢体残疾",
    "5": "智力残疾",
    "6": "精神残疾",
    "7": "多重残疾",
    "9": "其他残疾",
}

# Which 残疾类型 each 随班就读 value agrees with (student-fields.md, cross-field rule).
INCLUSIVE_DISABILITY = {
    "0": frozenset({"0"}),
    "1": frozenset({"1"}),
    "2": frozenset({"2"}),
    "3": frozenset({"5"}),
    "4": frozenset({"3", "4", "6", "7", "9"}),
}

COMMUTE_MODE: CodeTable = {
    "1": "步行",
    "2": "自行车(含电动自行车)",
    "3": "公共交通",
    "4": "家长接送",
    "5": "校车",
    "9": "其他",
}

# GB/T 4761-2008, the relations a student's family members have to the student.
FAMILY_RELATION: CodeTable = {
    "51": "父亲",
    "52": "母亲",
    "57": "继父或养父",
    "58": "继母或养母",
    "59": "其他父母关系",
    "61": "祖父",
    "62": "祖母",
    "63": "外祖父",
    "64": "外祖母",
    "66": "曾祖父",
    "67": "曾祖母",
    "69": "其他祖父母或外祖父母关系",
    "71": "兄",
    "72": "嫂",
    "73": "弟",
    "74": "弟媳",
    "75": "姐姐",
    "76": "姐夫",
    "77": "妹妹",
    "78": "妹夫",
    "79": "其他兄弟姐妹",
    "81": "伯父",
    "82": "伯母",
    "83": "叔父",
    "84": "婶母",
    "85": "舅父",
    "86": "舅母",
    "87": "姨父",
    "88": "姨母",
    "89": "姑父",
    "90": "姑母",
    "91": "堂兄弟、堂姐妹",
    "92": "表兄弟、表姐妹",
    "97": "其他亲属",
    "99": "非亲属",
}

YES_NO: CodeTable = {"1": "是", "0": "否"}

# 学校(机构)办学类型 codes of the education-statistics standard, limited to the school kinds
# 第二条 covers. Special education has four codes; 514 is the general one.
SCHOOL_TYPE: CodeTable = {
    "211": "小学",
    "311": "初级中学",
    "312": "九年一贯制学校",
    "341": "完全中学",
    "342": "高级中学",
    "345": "十二年一贯制学校",
    "371": "工读学校",
    "511": "盲人学校",
    "512": "聋人学校",
    "513": "培智学校",
    "514": "其他特教学校",
}
SPECIAL_EDUCATION_SCHOOL_TYPES = ("511", "512", "513", "514")
# Everyday names registrars use for the same school kinds.
SCHOOL_TYPE_ALIASES = {
    "初中": "311",
    "普通初中": "311",
    "高中": "342",
    "普通高中": "342",
    "特殊教育学校": "514",
    "特教学校": "514",
}

# 学籍状态 words (design.md). 借读 is a placement, not a status (第二十七条).
STATUS_WORDS = (
    "待注册",
    "在籍",
    "休学",
    "辍学",
    "退学",
    "开除",
    "死亡",
    "毕业",
    "结业",
    "肄业",
    "转出",
    "注销",
    "失踪/其他离校",
)
STATUS: CodeTable = {word: word for word in STATUS_WORDS}

_PAREN = re.compile(r"[((].*?[))]")


def label(table: CodeTable, code: object, default: str | None = None) -> str | None:
    """The Chinese label of a code, or default when the code is not in the table."""
    return table.get(str(code), default) if code is not None else default


def _clean(raw: object) -> str:
    # Full-width digits and spaces come from Chinese input methods.
    text = unicodedata.normalize("NFKC", str(raw))
    text = "".join(text.split())
    # Spreadsheets return whole numbers as floats: "1.0" means "1".
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text


def to_code(table: CodeTable, raw: object) -> str | None:
    """The code for raw given as a code or an exact label; None when it is neither."""
    if raw is None or isinstance(raw, bool):
        return None
    text = _clean(raw)
    if not text:
        return None
    if text in table:
        return text
    if text.upper() in table:
        return text.upper()
    return _code_by_padding(table, text) or _code_by_label(table, text)


def _code_by_padding(table: CodeTable, text: str) -> str | None:
    # A spreadsheet turns "01" into 1; restore the leading zeros the table uses.
    if not (text.isascii() and text.isdigit()):
        return None
    for code in table:
        if code.isascii() and code.isdigit() and len(code) > len(text) and code == text.zfill(len(code)):
            return code
    return None


def _code_by_label(table: CodeTable, text: str) -> str | None:
    for code, name in table.items():
        if text == "".join(name.split()):
            return code
    # "自行车" for "自行车(含电动自行车)": the bracket only explains the label.
    for code, name in table.items():
        if "(" in name and text == _PAREN.sub("", name):
            return code
    return None


def school_type_code(raw: object) -> str | None:
    """A school type given as code, official label or everyday name (初中, 普通高中, 特殊教育学校)."""
    code = to_code(SCHOOL_TYPE, raw)
    if code is None and raw is not None:
        code = SCHOOL_TYPE_ALIASES.get(_clean(raw))
    return code

# ---------------------------------------------------------------- status changes (学籍异动, chapters 4–7)

# Change types of chapters 4–7 and 第四十一条, as the application API names them (design.md).
CHANGE_TYPE: CodeTable = {
    "transfer": "转学",
    "suspension": "休学",
    "suspension_extension": "延长休学",
    "resumption": "复学",
    "visiting": "借读",
    "visiting_end": "结束借读",
    "withdrawal": "退学",
    "auto_withdrawal": "自动退学",
    "death": "死亡注销",
    "dropout": "辍学",
    "dropout_return": "辍学后恢复入学",
    "missing": "失踪或被羁押离校",
    "missing_return": "离校学生回校就读",
    "graduation": "毕业",
    "expulsion": "开除学籍",
}

# The four kinds of 中等职业教育学校 第二十条 names; their records live outside this registry (第二条).
VOCATIONAL_SCHOOL_KINDS = ("普通中专学校", "职业高中学校", "技工学校", "成人中专学校")

# Where a court or the police left a student (第二十九条(四), 第四十一条).
JUDICIAL_OUTCOME: CodeTable = {
    "criminal_measure": "被采取刑事强制措施(拘留、逮捕等,尚未判决)",
    "custodial_sentence": "被判处监禁刑",
    "non_custodial": "免刑、缓刑、假释或非监禁刑",
    "education_measure": "被采取强制性教育措施(收容教养等)",
}

"""Generators of realistic Chinese personal data for demo and benchmark data: names, ID numbers, phones, addresses.

Every function takes the caller's `random.Random`, so output is reproducible from a seed.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate

from core.places.reference import DIVISION_CODE

# Common surnames with rough weights (national frequency, with the Chongqing favourites 谭 冉 向 蒲 秦 raised).
_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤冉蒲文税牟邬况皮"
)
_SURNAME_WEIGHTS = [max(1.0, 80.0 - i * 0.8) for i in range(len(_SURNAMES))]
for _s, _w in {
    "陈": 95,
    "刘": 90,
    "李": 92,
    "王": 80,
    "张": 85,
    "杨": 75,
    "谭": 45,
    "冉": 20,
    "向": 25,
}.items():
    _SURNAME_WEIGHTS[_SURNAMES.index(_s)] = _w
_SURNAME_CUM = list(accumulate(_SURNAME_WEIGHTS))

_MALE_CHARS = list(
    "伟强军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋亮磊成峰建兵国文德志海东红光荣春江川渝松祥福生永清和胜力晨睿轩博豪航泽"
)
_FEMALE_CHARS = list(
    "芳娜敏静丽艳娟霞秀燕玲桂英华慧莉萍红琴云梅兰凤洁琳素雪倩婷颖露瑶怡佳欣悦蓉菊淑芬珍玉晓月雯蕾蓓丹茜薇娅涵馨琪萱"
)
# Two-character given names typical of older generations.
_MALE_CLASSIC = [
    "建国",
    "国强",
    "志强",
    "建华",
    "德明",
    "永福",
    "国华",
    "文华",
    "建军",
    "卫东",
    "志刚",
    "海波",
    "红兵",
    "小平",
    "光明",
    "明华",
    "家富",
    "长江",
    "德全",
    "世友",
    "正华",
    "永红",
    "兴国",
    "少华",
    "运福",
]
_FEMALE_CLASSIC = [
    "秀英",
    "桂兰",
    "桂芳",
    "秀兰",
    "玉兰",
    "淑珍",
    "凤英",
    "春梅",
    "秀珍",
    "玉梅",
    "小红",
    "丽华",
    "素芬",
    "翠兰",
    "德芬",
    "世英",
    "秀琼",
    "玉珍",
    "明芬",
    "家秀",
    "素琼",
    "德琼",
    "小琴",
    "春兰",
]

# Prefixes of mainland mobile numbers in use (China Mobile, Unicom, Telecom, Broadnet); all match ^1[3-9].
_MOBILE_PREFIXES = [
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "172",
    "178",
    "182",
    "183",
    "184",
    "187",
    "188",
    "195",
    "197",
    "198",
    "130",
    "131",
    "132",
    "145",
    "155",
    "156",
    "166",
    "175",
    "176",
    "185",
    "186",
    "196",
    "133",
    "149",
    "153",
    "173",
    "177",
    "180",
    "181",
    "189",
    "190",
    "191",
    "193",
    "199",
    "192",
]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _pick(rng: random.Random, seq):
    # rng.choice and rng.randint cost several Python calls each; these draw the same distributions cheaply.
    return seq[int(rng.random() * len(seq))]


def _between(rng: random.Random, a: int, b: int) -> int:
    return a + int(rng.random() * (b - a + 1))


def id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 check character (ISO 7064 MOD 11-2) of the first 17 digits of an ID number."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(value: str) -> bool:
    """Return whether `value` is an 18-character resident ID number with a correct check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return value[17] == id_check_char(value[:17])


def id_number(rng: random.Random, birth: date, male: bool, area: str = DIVISION_CODE) -> str:
    """Return a valid 18-character ID number: odd sequence digit for men, even for women."""
    seq = _between(rng, 0, 99) * 10 + _pick(rng, (1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def mobile(rng: random.Random) -> str:
    """Return a mainland mobile number matching ^1[3-9]\\d{9}$."""
    return _pick(rng, _MOBILE_PREFIXES) + f"{_between(rng, 0, 99_999_999):08d}"


def surname(rng: random.Random) -> str:
    return _SURNAMES[min(bisect_right(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1]), len(_SURNAMES) - 1)]


def given_name(rng: random.Random, male: bool, birth_year: int) -> str:
    """Return a given name in the style of the birth year: classic two-character names for older people."""
    if birth_year < 1975 and rng.random() < 0.55:
        return _pick(rng, _MALE_CLASSIC if male else _FEMALE_CLASSIC)
    chars = _MALE_CHARS if male else _FEMALE_CHARS
    if rng.random() < 0.3:
        return _pick(rng, chars)
    return _pick(rng, chars) + _pick(rng, chars)


def full_name(rng: random.Random, male: bool | None = None, birth_year: int = 1975) -> str:
    if male is None:
        male = rng.random() < 0.5
    return surname(rng) + given_name(rng, male, birth_year)


def birth_date(rng: random.Random, today: date, min_age: int = 18, max_age: int = 85) -> date:
    """Return a birth date for an adult; petitioners skew to middle and old age."""
    age = min(max_age, max(min_age, int(rng.triangular(min_age, max_age, 55))))
    return today - timedelta(days=age * 365 + _between(rng, 0, 364))


def street_address(rng: random.Random, street: str, road: str, village: str | None = None) -> str:
    """Return a Jiangbei address: '江北区观音桥街道建新北路68号3栋2单元501' or '江北区鱼嘴镇太洪村3组45号'."""
    r = lambda a, b: _between(rng, a, b)  # noqa: E731
    if village:
        return f"江北区{street}{village}{r(1, 12)}组{r(1, 120)}号"
    number = r(1, 320)
    if rng.random() < 0.15:
        return f"江北区{street}{road}{number}号附{r(1, 30)}号"
    floor = r(1, 33 if rng.random() < 0.5 else 8)
    return f"江北区{street}{road}{number}号{r(1, 12)}栋{r(1, 4)}单元{floor}{r(1, 6):02d}"


def company_name(rng: random.Random) -> str:
    """Return a plausible (fictional) Chongqing company name."""
    word = _pick(rng, _COMPANY_WORDS) + _pick(rng, _COMPANY_WORDS)
    trade = _pick(rng, _COMPANY_TRADES)
    return f"重庆{word}{trade}有限公司"


_COMPANY_WORDS = list("嘉渝江北鑫盛华宏泰达恒隆锦瑞祥顺安兴博远合众信诚德美润峰川汇")
_COMPANY_TRADES = [
    "建筑劳务",
    "物业管理",
    "房地产开发",
    "装饰工程",
    "餐饮管理",
    "教育咨询",
    "商贸",
    "健身服务",
    "汽车销售",
    "电子科技",
    "家政服务",
    "运输",
    "建材",
]

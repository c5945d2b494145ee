"""Plausible people for the demo registry: names by ethnicity, valid ID numbers, phones.

Everything is drawn from a ``random.Random`` the caller seeds, so a build is repeatable.
ID numbers follow GB 11643 (region code of the county, birth date, sequence whose parity
is the sex, MOD 11-2 check character); ``IdAllocator`` never hands out one twice.
"""

from __future__ import annotations

import datetime as dt
import operator
import random
from dataclasses import dataclass

from edugov.core.validators import ID_CHECK_MAP, ID_WEIGHTS

HAN, UYGHUR, KAZAKH, HUI, KYRGYZ, MONGOL, XIBE, TAJIK, UZBEK, DAUR = (
    "01",
    "05",
    "17",
    "03",
    "29",
    "02",
    "38",
    "41",
    "43",
    "31",
)

# Rough share of each ethnicity among pupils, by prefecture (census-like proportions).
ETHNIC_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "650100": ((HAN, 70), (UYGHUR, 13), (HUI, 9), (KAZAKH, 4), (MONGOL, 1), (XIBE, 1), (UZBEK, 1)),
    "650200": ((HAN, 74), (UYGHUR, 14), (KAZAKH, 6), (HUI, 4), (MONGOL, 2)),
    "650400": ((UYGHUR, 70), (HAN, 22), (HUI, 8)),
    "650500": ((HAN, 64), (UYGHUR, 19), (KAZAKH, 10), (HUI, 6), (MONGOL, 1)),
    "652300": ((HAN, 72), (HUI, 11), (KAZAKH, 11), (UYGHUR, 5), (MONGOL, 1)),
    "652700": ((HAN, 62), (UYGHUR, 14), (KAZAKH, 11), (MONGOL, 7), (HUI, 6)),
    "652800": ((HAN, 54), (UYGHUR, 37), (HUI, 5), (MONGOL, 4)),
    "652900": ((UYGHUR, 80), (HAN, 19), (HUI, 1)),
    "653000": ((UYGHUR, 64), (KYRGYZ, 29), (HAN, 6), (TAJIK, 1)),
    "653100": ((UYGHUR, 91), (HAN, 7), (TAJIK, 1), (KYRGYZ, 1)),
    "653200": ((UYGHUR, 97), (HAN, 3)),
    "654000": ((HAN, 44), (KAZAKH, 26), (UYGHUR, 17), (HUI, 9), (XIBE, 2), (MONGOL, 1), (DAUR, 1)),
    "654200": ((HAN, 57), (KAZAKH, 25), (HUI, 7), (UYGHUR, 5), (MONGOL, 4), (DAUR, 2)),
    "654300": ((KAZAKH, 52), (HAN, 40), (HUI, 3), (UYGHUR, 3), (MONGOL, 2)),
}

HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林郑梁谢宋唐韩冯邓曹彭曾萧田董"
    "潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊"
    "白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"
)
HUI_SURNAMES = "马马马马杨杨丁丁穆海白沙纳冶韩苏哈兰锁"
XIBE_SURNAMES = "关佟吴何安郭伊赵韩杨"
HAN_GIVEN_1 = "子梓浩宇轩俊欣怡雨晨思佳明嘉文博一可语诗若雅天志建海丽秀晓婷杰鑫磊军伟芳敏静娜强"
HAN_GIVEN_2 = "涵萱轩然琪辰泽瑞阳豪睿彤妍琳怡宁航皓铭霖楠晨菲涛洋宇婷娟霞华平刚斌勇超健"

UYGHUR_MALE = tuple(
    "艾力 买买提 阿卜杜拉 艾合买提 努尔艾力 伊力亚尔 亚森 吐尔逊 "
    "艾尔肯 阿迪力 穆合塔尔 依明 阿不都热依木 艾山 吾斯曼 玉素甫 "
    "热合曼 阿里木 麦麦提敏 喀迪尔 艾克拜尔 伊斯马伊力 努尔麦麦提 "
    "阿布来提 肉孜 塔依尔 卡哈尔 帕尔哈提 艾尼瓦尔 迪力夏提".split()
)
UYGHUR_FEMALE = tuple(
    "古丽娜尔 阿依努尔 热依拉 迪丽努尔 米热古丽 帕提古丽 祖丽皮亚 "
    "努尔比亚 阿依古丽 再努尔 布威 阿孜古丽 海丽且姆 麦合丽娅 "
    "古再丽努尔 阿娜尔古丽 迪丽拜尔 热孜万古丽 美合日班 扎热帕".split()
)
KAZAKH_MALE = tuple(
    "努尔兰 叶尔兰 别克 哈那提 阿斯哈尔 叶尔波力 达吾列提 加尔肯 "
    "叶尔江 胡安德克 木拉提 巴合提 阿依顿 叶尔森 吾拉尔 哈力木 贾恒 "
    "赛力克 托列吾汗 沙吾提".split()
)
KAZAKH_FEMALE = tuple(
    "阿依达娜 古丽米拉 阿克娜尔 娜孜古丽 阿依江 沙吾列 哈丽达 加娜尔 "
    "玛依拉 阿米娜 古丽巴哈 努尔加马丽 阿依登 巴合达尔 扎依娜".split()
)
KYRGYZ_MALE = tuple(
    "托合提 吐尔地 阿斯力别克 库尔曼别克 朱马别克 阿不都卡德尔 玛纳斯 "
    "卡德尔别克 苏来曼 阿依提别克 吐尔洪".split()
)
KYRGYZ_FEMALE = ("古丽扎", "阿依吐孙", "卡丽玛", "阿依提拉", "乔勒潘", "别尔美特", "阿依努拉", "古丽给娜")
MONGOL_MALE = ("巴特尔", "孟克", "那仁", "额尔敦", "布和", "达来", "朝鲁", "巴音")
MONGOL_FEMALE = ("其木格", "乌兰", "萨仁", "娜仁花", "高娃", "塔娜", "斯琴", "图雅")
TAJIK_MALE = ("买买提江", "阿布力克木", "沙迪克", "热依木江", "阿里甫")
TAJIK_FEMALE = ("热孜万", "古丽其曼", "布力布力", "莎尼亚")

# Ethnicities whose names follow the "given name · father's name" pattern.
PATRONYMIC = {
    UYGHUR: (UYGHUR_MALE, UYGHUR_FEMALE),
    UZBEK: (UYGHUR_MALE, UYGHUR_FEMALE),
    KAZAKH: (KAZAKH_MALE, KAZAKH_FEMALE),
    KYRGYZ: (KYRGYZ_MALE, KYRGYZ_FEMALE),
    TAJIK: (TAJIK_MALE, TAJIK_FEMALE),
}


class FastRandom(random.Random):
    """``random.Random`` with cheaper ``choice``/``randint``/``randrange`` (seeded, repeatable).

    Floating-point scaling is slightly biased for huge ranges, which demo data can afford.
    """

    def choice(self, seq):  # noqa: ANN001, ANN201
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))


def weighted_pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    total = sum(w for _c, w in table)
    n = rng.randrange(total)
    for code, weight in table:
        if n < weight:
            return code
        n -= weight
    return table[-1][0]


@dataclass
class Family:
    """A household: what a child's name derives from, and its guardians' ids once written."""

    ethnicity: str
    surname: str  # Han-style surname, or the father's given name for patronymic names
    father: str
    mother: str
    address: str
    county: str
    guardian_ids: tuple[int, ...] = ()
    relations: tuple[str, ...] = ()
    school_ids: tuple[int, ...] = ()


def _han_given(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(HAN_GIVEN_1)
    return rng.choice(HAN_GIVEN_1) + rng.choice(HAN_GIVEN_2)


def given_name(rng: random.Random, ethnicity: str, sex: str) -> str:
    male = sex == "1"
    if ethnicity in PATRONYMIC:
        names = PATRONYMIC[ethnicity][0 if male else 1]
        return rng.choice(names)
    if ethnicity == MONGOL:
        return rng.choice(MONGOL_MALE if male else MONGOL_FEMALE)
    return _han_given(rng)


def new_family(rng: random.Random, ethnicity: str, address: str, county: str) -> Family:
    if ethnicity in PATRONYMIC:
        male, female = PATRONYMIC[ethnicity]
        father_given = rng.choice(male)
        father = f"{father_given}·{rng.choice(male)}"
        mother = f"{rng.choice(female)}·{rng.choice(male)}"
        return Family(ethnicity, father_given, father, mother, address, county)
    if ethnicity == MONGOL:
        father_given = rng.choice(MONGOL_MALE)
        return Family(ethnicity, "", father_given, rng.choice(MONGOL_FEMALE), address, county)
    surnames = {HUI: HUI_SURNAMES, XIBE: XIBE_SURNAMES}.get(ethnicity, HAN_SURNAMES)
    surname = rng.choice(surnames)
    mother = rng.choice(HAN_SURNAMES) + _han_given(rng)
    return Family(ethnicity, surname, surname + _han_given(rng), mother, address, county)


def child_name(rng: random.Random, family: Family, sex: str) -> str:
    given = given_name(rng, family.ethnicity, sex)
    if family.ethnicity in PATRONYMIC:
        return f"{given}·{family.surname}"
    return family.surname + given


def adult_name(rng: random.Random, ethnicity: str, sex: str) -> str:
    if ethnicity in PATRONYMIC:
        return f"{given_name(rng, ethnicity, sex)}·{given_name(rng, ethnicity, '1')}"
    if ethnicity == MONGOL:
        return given_name(rng, ethnicity, sex)
    surnames = {HUI: HUI_SURNAMES, XIBE: XIBE_SURNAMES}.get(ethnicity, HAN_SURNAMES)
    return rng.choice(surnames) + _han_given(rng)


def check_char(body17: str) -> str:
    return ID_CHECK_MAP[sum(map(operator.mul, map(int, body17), ID_WEIGHTS)) % 11]


class IdAllocator:
    """Unique GB 11643 numbers: per (region, birth date, sex), sequences 002…999 of the right parity."""

    def __init__(self) -> None:
        self.used: dict[tuple[str, dt.date, str], int] = {}

    def number(self, region: str, birth: dt.date, sex: str) -> str:
        key = (region, birth, sex)
        k = self.used.get(key, 0) + 1
        if k > 499:
            raise ValueError(f"no ID sequence left for {key}")
        self.used[key] = k
        body = f"{region}{birth:%Y%m%d}{k * 2 + (1 if sex == '1' else 0):03d}"
        return body + check_char(body)


class PhoneAllocator:
    """Distinct, plausible mobile numbers (deterministic per build)."""

    PREFIXES = (
        "130",
        "131",
        "132",
        "135",
        "136",
        "138",
        "139",
        "150",
        "151",
        "155",
        "156",
        "177",
        "180",
        "189",
    )

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = rng.randrange(10**6)

    def next(self) -> str:
        self.n += 1 + self.rng.randrange(97)
        return f"{self.rng.choice(self.PREFIXES)}{self.n % 10**8:08d}"


STREETS = tuple(
    "人民路 解放路 团结路 友好路 光明路 胜利路 建设路 文化路 和平路 "
    "幸福路 新华路 北京路 天山路 昆仑路 育才路 迎宾路 滨河路 丝路大道".split()
)
VILLAGES = (
    "阿热买里村",
    "托万村",
    "英巴格村",
    "喀拉苏村",
    "阔什艾日克村",
    "巴扎村",
    "新村",
    "团结村",
    "幸福村",
)


def home_address(rng: random.Random, place: str, *, rural: bool) -> str:
    if rural:
        return f"{place}{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 120)}号"
    return f"{place}{rng.choice(STREETS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元"


def birth_for_grade(rng: random.Random, usual_age: int, year_start: dt.date) -> dt.date:
    """A birth date giving ``usual_age`` on 1 September (born 2 Sept … 1 Sept a year later)."""
    latest = dt.date(year_start.year - usual_age, 9, 1)
    return latest - dt.timedelta(days=rng.randrange(365))

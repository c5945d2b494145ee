"""A realistic, deterministic demo province (新疆) built from a seed.

The tree follows the region table: the 教育厅 with its departments, a bureau for each
of the 14 prefecture-level units, a bureau for each of their current county-level
units, and schools of each type in every county. Schools are created in bulk (a
county at a time, one audit entry per batch) so larger scales stay fast.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from edugov.core.actions.organizations import do_create_organization
from edugov.core.audit import AuditEvent, log_event
from edugov.core.models import Grant, Membership, Organization, Region, Role, SchoolCode, User

DEMO_PASSWORD = "Edugov-Demo-2026"  # noqa: S105 - printed for the demo, never used in production
PROVINCE_CODE = "650000"
PROVINCE_NAME = "新疆维吾尔自治区教育厅"
PROVINCE_DEPARTMENTS = (
    "办公室",
    "政策法规处",
    "发展规划处",
    "财务处",
    "基础教育处",
    "职业教育与成人教育处",
    "高等教育处",
    "教师工作处",
    "学生工作处",
    "科学技术与信息化处",
    "教育督导室",
)
PREFECTURE_DEPARTMENTS = ("办公室", "基础教育科", "计划财务科")
COUNTY_DEPARTMENTS = ("办公室", "基础教育股")
# (JY/T type, name pattern, how many per county at scale 1, sponsorship)
COUNTY_SCHOOLS = (
    ("111", "{c}第{n}幼儿园", 3, "21"),
    ("111", "{c}育才幼儿园", 1, "22"),
    ("211", "{c}第{n}小学", 4, "21"),
    ("218", "{c}{n}号教学点", 1, "21"),
    ("311", "{c}第{n}初级中学", 2, "21"),
    ("312", "{c}第{n}九年一贯制学校", 1, "21"),
    ("342", "{c}第{n}高级中学", 1, "21"),
)
PREFECTURE_SCHOOLS = (
    ("341", "{p}第一中学", 1, "21"),
    ("365", "{p}职业高中", 1, "21"),
    ("514", "{p}特殊教育学校", 1, "21"),
)
SCALES = {"small": 1, "medium": 3, "large": 10, "province": 11}  # province: for benchmarks only


@dataclass
class DemoLogin:
    username: str
    role: str
    unit: str
    totp_secret: str = ""


@dataclass
class DemoResult:
    created: bool
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def totp_secret_for(seed: int, username: str) -> str:
    """A fixed TOTP secret per demo login, so the printed secret survives a rebuild."""
    digest = hashlib.sha256(f"edugov-demo:{seed}:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def _numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _short(region_name: str) -> str:
    for suffix in ("哈萨克自治县", "回族自治县", "蒙古自治县", "塔吉克自治县", "锡伯自治县", "自治县"):
        if region_name.endswith(suffix):
            return region_name[: -len(suffix)]
    return region_name[:-1] if len(region_name) > 2 and region_name[-1] in "县市区" else region_name


class DemoBuilder:
    def __init__(self, *, seed: int = 2026, scale: str = "small") -> None:
        self.seed = seed
        self.factor = SCALES[scale]
        self.rng = random.Random(seed)
        self.school_seq = 0
        self.password_hash = make_password(DEMO_PASSWORD)
        self.roles = {r.code: r for r in Role.objects.all()}
        self.logins: list[DemoLogin] = []
        self.today = timezone.localdate()

    # --- tree -------------------------------------------------------------
    def unit(
        self, parent: Organization | None, name: str, kind: str, level: str, region: Region
    ) -> Organization:
        return do_create_organization(
            parent=parent, name=name, kind=kind, level=level, region=region, acting_user=None
        )

    def departments(self, bureau: Organization, names: tuple[str, ...]) -> list[Organization]:
        return [self.unit(bureau, n, "department", bureau.level, bureau.region) for n in names]

    def schools(
        self, parent: Organization, specs: tuple[tuple[str, str, int, str], ...], **names: str
    ) -> int:
        """Create a county's (or prefecture's) schools in bulk with valid, never-reused codes."""
        rows: list[Organization] = []
        for school_type, pattern, per_scale, sponsor in specs:
            count = max(1, per_scale * self.factor + self.rng.randint(-1, 1) * (per_scale > 1))
            for n in range(1, count + 1):
                self.school_seq += 1
                code = f"{school_type[:2]}65{self.school_seq:06d}"
                rows.append(
                    Organization(
                        name=pattern.format(n=_numeral(n), **names),
                        kind="school",
                        level="school",
                        region=parent.region,
                        school_code=code,
                        school_type=school_type,
                        school_sponsor=sponsor,
                    )
                )
        start = parent.numchild
        for index, row in enumerate(rows, start=start + 1):
            row.depth = parent.depth + 1
            row.path = Organization._get_path(parent.path, row.depth, index)
        Organization.objects.bulk_create(rows, batch_size=500)
        Organization.objects.filter(pk=parent.pk).update(numchild=start + len(rows))
        parent.numchild = start + len(rows)
        created = Organization.objects.filter(school_code__in=[r.school_code for r in rows])
        SchoolCode.objects.bulk_create(
            [SchoolCode(code=o.school_code, organization=o, assigned_on=self.today) for o in created]
        )
        log_event(
            AuditEvent.ORG_CREATED,
            acting_user=None,
            organization=parent,
            extra={"bulk": True, "kind": "school", "count": len(rows)},
        )
        return len(rows)

    # --- people -------------------------------------------------------------
    def person(
        self,
        username: str,
        real_name: str,
        unit: Organization,
        role: str,
        position: str,
        *,
        grant_unit: Organization | None = None,
        show: bool = False,
    ) -> User:
        digits = int(hashlib.sha256(username.encode()).hexdigest()[:8], 16) % 10**8
        user = User.objects.create(
            username=username,
            real_name=real_name,
            password=self.password_hash,
            phone=f"139{digits:08d}",
            email=f"{username}@edu.example.gov.cn",
        )
        Membership.objects.create(user=user, organization=unit, position=position, is_primary=True)
        Grant.objects.create(
            user=user, role=self.roles[role], organization=grant_unit or unit, include_descendants=True
        )
        secret = ""
        if role in _mfa_roles():
            secret = totp_secret_for(self.seed, username)
            _activate_totp(user, secret)
        if show:
            self.logins.append(DemoLogin(username, self.roles[role].name, (grant_unit or unit).name, secret))
        return user


def _mfa_roles() -> set[str]:
    from django.conf import settings

    return set(settings.EDUGOV_MFA_REQUIRED_ROLES)


def _activate_totp(user: User, secret: str) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
GIVEN = ("建国", "丽娜", "志强", "海燕", "晓明", "古丽", "阿依古丽", "买买提", "艾力", "热娜", "文华", "新疆")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def demo_exists() -> bool:
    return Organization.objects.filter(depth=1, name=PROVINCE_NAME).exists()


@transaction.atomic
def build_demo(*, seed: int = 2026, scale: str = "small") -> DemoResult:
    if demo_exists():
        return DemoResult(created=False, logins=demo_logins(seed=seed))
    b = DemoBuilder(seed=seed, scale=scale)
    regions = {r.code: r for r in Region.objects.filter(code__startswith="65", valid_until__isnull=True)}
    province = b.unit(None, PROVINCE_NAME, "bureau", "province", regions[PROVINCE_CODE])
    depts = dict(zip(PROVINCE_DEPARTMENTS, b.departments(province, PROVINCE_DEPARTMENTS), strict=True))
    it_dept = depts["科学技术与信息化处"]
    b.person("sysadmin", "系统管理员", it_dept, "system_admin", "系统管理员", grant_unit=province, show=True)
    b.person(
        "secadmin", "安全管理员", it_dept, "security_admin", "安全管理员", grant_unit=province, show=True
    )
    b.person("auditor", "审计员", depts["办公室"], "auditor", "审计员", grant_unit=province, show=True)
    b.person("xj_leader", "艾尔肯", province, "bureau_leader", "厅长", show=True)
    b.person("xj_jichu", _name(b.rng), depts["基础教育处"], "bureau_staff", "科员", show=True)
    prefectures = sorted(
        (r for r in regions.values() if r.level == "prefecture" and r.code != "659000"), key=lambda r: r.code
    )
    schools = 0
    for pref_region in prefectures:
        pref = b.unit(province, f"{pref_region.name}教育局", "bureau", "prefecture", pref_region)
        b.departments(pref, PREFECTURE_DEPARTMENTS)
        staff_name = "urumqi_staff" if pref_region.code == "650100" else f"p{pref_region.code}_staff"
        b.person(staff_name, _name(b.rng), pref, "bureau_staff", "科员", show=pref_region.code == "650100")
        counties = sorted(
            (r for r in regions.values() if r.parent_id == pref_region.code), key=lambda r: r.code
        )
        for county_region in counties:
            county = b.unit(pref, f"{county_region.name}教育局", "bureau", "county", county_region)
            b.departments(county, COUNTY_DEPARTMENTS)
            schools += b.schools(county, COUNTY_SCHOOLS, c=_short(county_region.name))
            _county_people(b, county, county_region)
        schools += b.schools(pref, PREFECTURE_SCHOOLS, p=pref_region.name)
    return DemoResult(
        created=True,
        logins=b.logins,
        counts={"units": Organization.objects.count(), "schools": schools, "users": User.objects.count()},
    )


def _county_people(b: DemoBuilder, county: Organization, region: Region) -> None:
    featured = region.code == "650102"  # 天山区: the county whose logins are printed
    prefix = "tianshan" if featured else f"c{region.code}"
    b.person(f"{prefix}_staff", _name(b.rng), county, "bureau_staff", "科员", show=featured)
    if featured:
        b.person(f"{prefix}_registrar", _name(b.rng), county, "registrar", "学籍管理员", show=True)
        b.person(f"{prefix}_secadmin", _name(b.rng), county, "security_admin", "安全管理员", show=True)
        first_school = Organization.objects.below(county).filter(school_type="211").order_by("path").first()
        b.person("school_admin", _name(b.rng), first_school, "school_admin", "办公室主任", show=True)
        b.person("teacher", _name(b.rng), first_school, "teacher", "语文教师", show=True)


def demo_logins(*, seed: int = 2026) -> list[DemoLogin]:
    """Rebuild the printed login list from the database (for a second `make demo`)."""
    from edugov.devtools.office_demo import OFFICE_LOGINS

    featured = [
        "sysadmin",
        "secadmin",
        "auditor",
        "xj_leader",
        "xj_jichu",
        "urumqi_staff",
        "tianshan_staff",
        "tianshan_registrar",
        "tianshan_secadmin",
        "school_admin",
        "teacher",
        *OFFICE_LOGINS,
    ]
    grants = (
        Grant.objects.active()
        .filter(user__username__in=featured)
        .select_related("user", "role", "organization")
    )
    by_name = {g.user.username: g for g in grants}
    mfa = _mfa_roles()
    return [
        DemoLogin(
            name,
            by_name[name].role.name,
            by_name[name].organization.name,
            totp_secret_for(seed, name) if by_name[name].role.code in mfa else "",
        )
        for name in featured
        if name in by_name
    ]


def format_logins(logins: list[DemoLogin], url: str = "http://127.0.0.1:8000/") -> str:
    lines = [
        f"edugov demo: {url}",
        f"Password for every demo login: {DEMO_PASSWORD}",
        "Roles marked with a TOTP secret need a 6-digit code: add the secret to an authenticator app,",
        "or print the current code with:  .venv/bin/python manage.py demo_totp <username>",
        "",
        f"{'username':<20}{'role':<12}{'TOTP secret':<34}unit",
    ]
    for login in logins:
        lines.append(f"{login.username:<20}{login.role:<12}{login.totp_secret or '-':<34}{login.unit}")
    return "\n".join(lines) + "\n"


def current_totp_code(seed: int, username: str) -> str:
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    counter = next(yield_hotp_counters_from_time())
    return f"{hotp_value(totp_secret_for(seed, username), counter):06d}"


def sample_counts() -> dict[str, Any]:
    return {
        "bureaus": Organization.objects.filter(kind="bureau").count(),
        "departments": Organization.objects.filter(kind="department").count(),
        "schools": Organization.objects.filter(kind="school").count(),
    }

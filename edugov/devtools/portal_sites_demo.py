"""Demo website group: a site for the province bureau, every prefecture bureau, a few county
bureaus and a few schools, each with the usual sections and a handful of published articles.

Callable from populate_demo (the lead wires it in):

    sites = build_portal_sites(province, domain="localhost", port=8000)
    grant_demo_site_roles(sites)

Demo only: pages are published directly (``revision.publish()``) instead of through review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

# Host-name labels (pinyin initials) of Xinjiang's prefecture-level units, by region code.
PREFECTURE_LABELS = {
    "650100": "wlmq",
    "650200": "klmy",
    "650400": "tlf",
    "650500": "hm",
    "652300": "cj",
    "652700": "betl",
    "652800": "bygl",
    "652900": "aks",
    "653000": "kzls",
    "653100": "ks",
    "653200": "ht",
    "654000": "yl",
    "654200": "tc",
    "654300": "alt",
}
COUNTY_LABELS = {"650102": "tsq", "650103": "sybkq", "650104": "xsq", "653101": "kss"}

# (slug, title, article kind of its articles)
SECTIONS = [
    ("news", "新闻动态", "news"),
    ("notices", "通知公告", "notice"),
    ("policies", "政策文件", "policy"),
    ("disclosure", "政务公开", "interpretation"),
    ("interaction", "互动交流", "news"),
]

# (section slug, title, summary, paragraphs); "{unit}" is the site's unit name.
ARTICLES = [
    (
        "news",
        "{unit}召开2026年春季学期开学工作部署会",
        "会议总结上学期工作，部署春季学期开学、校园安全和教学常规管理等重点任务。",
        [
            "2月下旬，{unit}召开2026年春季学期开学工作部署会。会议传达学习了全区教育工作会议精神，"
            "总结了2025年秋季学期各项工作，对春季学期开学工作作出安排。",
            "会议要求，各单位要扎实做好开学前校园安全隐患排查，落实食品安全、消防安全和交通安全责任，"
            "确保师生平安返校；要抓好教学常规管理，按照国家课程方案开齐开足课程。",
            "会议强调，要持续推进国家通用语言文字教育，深化教育教学改革，办好人民满意的教育。",
        ],
    ),
    (
        "news",
        "{unit}开展校园食品安全专项检查",
        "检查组深入学校食堂，围绕食材采购、加工制作、从业人员健康管理等环节开展检查。",
        [
            "为切实保障师生饮食安全，近日{unit}会同市场监管部门组成联合检查组，对辖区学校食堂开展食品安全专项检查。",
            "检查组重点查看了食材采购索证索票、留样记录、餐具消毒和从业人员健康证明等情况，"
            "对发现的问题当场反馈并督促限期整改。",
        ],
    ),
    (
        "notices",
        "关于做好2026年义务教育阶段招生入学工作的通知",
        "明确招生范围、报名时间和所需材料，严格落实免试就近入学。",
        [
            "各有关学校：根据自治区教育厅有关要求，现就做好2026年义务教育阶段招生入学工作通知如下。",
            "一、坚持免试就近入学。公办学校严格按照划定的招生范围招生，不得以任何形式举行选拔考试。",
            "二、规范报名流程。适龄儿童少年家长可通过网上报名系统或到学校现场报名，报名时间为6月20日至7月5日。",
            "三、加强政策宣传。各校要通过多种渠道公开招生政策、招生范围和咨询电话，主动接受社会监督。",
        ],
    ),
    (
        "policies",
        "{unit}关于进一步加强中小学生作业管理的实施意见",
        "从作业总量、作业设计、作业批改和课后服务等方面提出具体要求。",
        [
            "为深入落实减轻义务教育阶段学生作业负担和校外培训负担的有关要求，结合实际，制定本实施意见。",
            "学校要确保小学一、二年级不布置书面家庭作业，三至六年级书面作业平均完成时间不超过60分钟，"
            "初中不超过90分钟。",
            "教师要认真批改作业，及时反馈，不得要求家长批改作业，不得布置惩罚性作业。",
        ],
    ),
    (
        "disclosure",
        "{unit}2025年政府信息公开工作年度报告",
        "依据《中华人民共和国政府信息公开条例》编制，报告全年主动公开和依申请公开情况。",
        [
            "本报告依据《中华人民共和国政府信息公开条例》要求编制，内容包括总体情况、主动公开政府信息情况、"
            "收到和处理政府信息公开申请情况等。",
            "2025年，本单位坚持以公开为常态、不公开为例外，围绕教育民生热点，持续做好招生入学、"
            "学生资助、教育收费等重点领域信息公开。",
        ],
    ),
]


def _label(org: Any, fallback: str) -> str:
    code = getattr(getattr(org, "region", None), "code", "") or ""
    if org.level == "prefecture":
        return PREFECTURE_LABELS.get(code, f"p{code or org.pk}")
    if org.level == "county":
        return COUNTY_LABELS.get(code, f"c{code or org.pk}")
    return fallback


def _demo_units(province_org: Any, *, counties: int, schools: int) -> list[tuple[Any, str]]:
    from edugov.core.models import Organization

    below = Organization.objects.filter(path__startswith=province_org.path, is_active=True).select_related(
        "region"
    )
    units: list[tuple[Any, str]] = [(province_org, "jyt")]
    for org in below.filter(depth=2, kind="bureau", level="prefecture").order_by("path"):
        units.append((org, _label(org, "")))
    for org in below.filter(kind="bureau", level="county").order_by("path")[:counties]:
        units.append((org, _label(org, "")))
    for n, org in enumerate(below.filter(kind="school").order_by("path")[:schools], start=1):
        code = getattr(org, "school_code", "") or ""
        units.append((org, f"xx{code[-4:]}" if code else f"school{n}"))
    return units


def _publish(page: Any, user: Any) -> None:
    revision = page.save_revision(user=user)
    revision.publish()


def _fill(portal_site: Any, acting_user: Any, *, articles: int, today: dt.date) -> None:
    from edugov.portal.models import ArticlePage, SectionPage

    home = portal_site.site.root_page.specific
    unit = portal_site.organization.name
    sections: dict[str, tuple[Any, str]] = {}
    for slug, title, kind in SECTIONS:
        section = SectionPage(title=title, slug=slug, intro=f"<p>{unit}{title}。</p>")
        home.add_child(instance=section)
        _publish(section, acting_user)
        sections[slug] = (section, kind)
    for n, (section_slug, title, summary, paragraphs) in enumerate(ARTICLES[:articles]):
        section, kind = sections[section_slug]
        body = [{"type": "paragraph", "value": f"<p>{p.format(unit=unit)}</p>"} for p in paragraphs]
        article = ArticlePage(
            title=title.format(unit=unit),
            slug=f"{section_slug}-{n + 1}",
            kind=kind,
            date=today - dt.timedelta(days=3 * n + 1),
            source=unit,
            summary=summary,
            body=body,
        )
        section.add_child(instance=article)
        _publish(article, acting_user)


@transaction.atomic
def build_portal_sites(
    province_org: Any,
    *,
    acting_user: Any = None,
    domain: str = "localhost",
    port: int = 8000,
    counties: int = 3,
    schools: int = 3,
) -> dict[str, Any]:
    """Sites (by short name) for the province bureau (``jyt.<domain>``), every prefecture
    bureau, ``counties`` county bureaus and ``schools`` schools, with sections and articles.

    Units that already have a site keep it untouched (so a second run adds nothing).
    """
    from django.utils import timezone

    from edugov.portal.actions.sites import do_create_site
    from edugov.portal.models import PortalSite

    today = timezone.localdate()
    result: dict[str, Any] = {}
    for index, (org, label) in enumerate(_demo_units(province_org, counties=counties, schools=schools)):
        existing = PortalSite.objects.filter(organization=org).select_related("site").first()
        if existing is not None:
            result[existing.slug] = existing
            continue
        portal_site = do_create_site(
            org, hostname=f"{label}.{domain}", acting_user=acting_user, slug=label, port=port
        )
        # The province shows all five articles; the others three or four.
        _fill(portal_site, acting_user, articles=5 if index == 0 else 3 + index % 2, today=today)
        result[label] = portal_site
    return result


# Who edits which demo site: username → (site short name, role).
DEMO_SITE_ROLES = {
    "xj_jichu": ("jyt", "site_reviewer"),
    "urumqi_staff": ("wlmq", "site_reviewer"),
    "tianshan_staff": ("tsq", "site_editor"),
}


def grant_demo_site_roles(
    portal_sites: dict[str, Any], assignments: dict[str, tuple[str, str]] | None = None
) -> list[Any]:
    """Give demo users editor/reviewer grants on one site's unit (only that unit, not below).

    Users or sites that do not exist are skipped. Grants are made by the system, like the
    demo's other grants; the grant signals put the users in the sites' Wagtail groups.
    """
    from edugov.core.models import Grant, Role, User

    grants = []
    for username, (slug, role_code) in _items(assignments or DEMO_SITE_ROLES):
        user = User.objects.filter(username=username).first()
        portal_site = portal_sites.get(slug)
        if user is None or portal_site is None:
            continue
        grant, _ = Grant.objects.get_or_create(
            user=user,
            role=Role.objects.get(code=role_code),
            organization=portal_site.organization,
            revoked_at=None,
            defaults={"include_descendants": False},
        )
        grants.append(grant)
    return grants


def _items(assignments: dict[str, tuple[str, str]]) -> Iterable[tuple[str, tuple[str, str]]]:
    return sorted(assignments.items())

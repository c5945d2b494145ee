"""The demo's public portal: a website group, its editors and handlers, and citizens' cases.

Called by ``populate_demo`` after the office; idempotent (a second run changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

# Who handles citizens' cases in the demo: username → (unit name, role). Leaders approve.
DEMO_CASE_ROLES = {
    "xj_jichu": ("新疆维吾尔自治区教育厅", "case_supervisor"),
    "urumqi_staff": ("乌鲁木齐市教育局", "case_supervisor"),
    "tianshan_staff": ("天山区教育局", "case_handler"),
}

DEMO_LETTERS = [
    # (site, kind, category, subject, content, name, phone, rating)
    (
        "wlmq",
        "consultation",
        "admission",
        "小学一年级报名需要哪些材料",
        "孩子今年满六周岁，户籍在天山区，请问一年级网上报名需要准备哪些材料？报名时间是什么时候？",
        "王女士",
        "13899912345",
        5,
    ),
    (
        "wlmq",
        "complaint",
        "fees",
        "学校收取资料费是否合规",
        "孩子所在学校本学期要求每名学生交纳200元资料费，没有出具收据，请核实是否属于违规收费。",
        "李先生",
        "13999954321",
        1,
    ),
    (
        "jyt",
        "mailbox",
        "teacher_pay",
        "关于乡村教师周转宿舍的建议",
        "建议加快乡村学校教师周转宿舍建设，解决年轻教师住宿困难的问题。",
        "张老师",
        "13709901234",
        None,
    ),
]


def portal_present() -> bool:
    from edugov.portal.models import PortalSite

    return PortalSite.objects.exists()


@transaction.atomic
def build_portal(
    *, url: str = "http://127.0.0.1:8000/", progress: Callable[[str], Any] = print
) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from edugov.core.models import Grant, Organization, Role
    from edugov.devtools.portal_sites_demo import build_portal_sites, grant_demo_site_roles

    parts = urlsplit(url)
    port = parts.port or 80
    province = Organization.objects.filter(depth=1).order_by("path").first()
    if province is None:
        return {}
    sites = build_portal_sites(province, domain="localhost", port=port)
    # The demo's own address shows the province portal too.
    Site.objects.filter(is_default_site=True).exclude(pk=sites["jyt"].site_id).update(is_default_site=False)
    Site.objects.filter(pk=sites["jyt"].site_id).update(is_default_site=True)
    grant_demo_site_roles(sites)
    User = get_user_model()
    for username, (unit_name, role_code) in DEMO_CASE_ROLES.items():
        user = User.objects.filter(username=username).first()
        unit = Organization.objects.filter(name=unit_name).first()
        if user is None or unit is None:
            continue
        Grant.objects.get_or_create(
            user=user,
            role=Role.objects.get(code=role_code),
            organization=unit,
            revoked_at=None,
            defaults={"include_descendants": True},
        )
    _letters(sites, progress)
    progress(
        "Portal sites: "
        + ", ".join(f"http://{s.site.hostname}:{port}/" for s in list(sites.values())[:4])
        + f" … ({len(sites)} sites)"
    )
    return sites


def _letters(sites: dict[str, Any], progress: Callable[[str], Any]) -> None:
    from edugov.core.models import User
    from edugov.portal.actions.case_handling import do_accept_case
    from edugov.portal.actions.letters import do_reply_letter, do_submit_letter
    from edugov.portal.actions.ratings import do_rate_case

    handler = User.objects.filter(username="urumqi_staff").first()
    for slug, kind, category, subject, content, name, phone, rating in DEMO_LETTERS:
        site = sites.get(slug)
        if site is None:
            continue
        case, _code = do_submit_letter(
            site=site,
            kind=kind,
            category=category,
            region=None,
            subject=subject,
            content=content,
            name=name,
            phone=phone,
            consent_publish=True,
        )
        if rating is None or handler is None:
            continue
        try:
            do_accept_case(case, acting_user=handler)
            do_reply_letter(
                case,
                acting_user=handler,
                text="您好，来信收悉。经核实，相关情况已按规定处理，具体说明如下：请关注学校和教育局发布的通知。",
            )
            do_rate_case(case, level=rating, comment="" if rating > 2 else "问题没有解决")
        except Exception as error:  # noqa: BLE001 - the demo goes on without this case's later steps
            progress(f"Demo letter {case.number} stopped early: {error}")

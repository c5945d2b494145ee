"""The internal office of the demo province: people on the document routes, number series
and documents at every stage, driven through the real actions and processes (so every
signed PDF, number, opinion and receipt is what the product would have made).

Other office areas (supervision, meetings, rosters, archives) add their demo data in
``build_office_areas``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password

from edugov.core.models import Grant, Membership, Organization, Role, User
from edugov.devtools.demo import DEMO_PASSWORD, PROVINCE_NAME

OFFICE_LOGINS = (
    "xj_clerk",
    "xj_head_jichu",
    "xj_head_caiwu",
    "urumqi_clerk",
    "urumqi_leader",
    "urumqi_head",
    "xj_archivist",
    "xj_process_admin",
)

NOTICES = [
    ("notice", "关于做好2026年秋季学期义务教育学校招生入学工作的通知"),
    ("notice", "关于开展2026年中小学校园安全专项检查的通知"),
    ("circular", "关于2026年上半年教育统计数据质量情况的通报"),
    ("opinion", "关于进一步加强中小学生课后服务工作的意见"),
    ("letter", "关于商请协助做好教师资格认定工作的函"),
    ("notice", "关于做好2026年教育系统冬季防火工作的通知"),
    ("request", "关于申请追加学前教育发展专项资金的请示"),
    ("notice", "关于组织开展2026年“国家通用语言文字推广普及周”活动的通知"),
]

BODY = (
    "为深入贯彻落实党的教育方针，切实做好相关工作，现将有关事项通知如下：\n"
    "一、总体要求\n"
    "坚持以人民为中心的发展思想，按照“统筹安排、分级负责、属地管理”的原则，确保各项任务落实到位。\n"
    "二、主要任务\n"
    "（一）摸清底数。各地要全面摸排辖区内学校和学生情况，建立工作台账。\n"
    "（二）加强统筹。各级教育行政部门要会同有关部门，研究制定具体实施方案。\n"
    "（三）强化保障。落实经费、人员等保障措施，确保工作顺利开展。\n"
    "三、工作要求\n"
    "各地要高度重视，加强组织领导，于规定时间内将工作开展情况报送自治区教育厅。"
)


def office_present() -> bool:
    from edugov.office.models import Document

    return Document.objects.exists()


class _People:
    def __init__(self) -> None:
        self.password_hash = make_password(DEMO_PASSWORD)
        self.roles = {r.code: r for r in Role.objects.all()}

    def get_or_create(
        self, username: str, real_name: str, unit: Organization, role: str, position: str
    ) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                real_name=real_name,
                password=self.password_hash,
                email=f"{username}@edu.example.gov.cn",
            )
            Membership.objects.create(user=user, organization=unit, position=position, is_primary=True)
        if not Grant.objects.filter(user=user, role=self.roles[role], organization=unit).exists():
            Grant.objects.create(
                user=user, role=self.roles[role], organization=unit, include_descendants=True
            )
        return user


def build_office(*, seed: int = 2026, progress: Callable[[str], Any] = print) -> dict[str, int]:
    """Documents at every stage of the outgoing and incoming routes, with their people."""
    from edugov.office.actions import documents as actions
    from edugov.office.models import Document, NumberSeries, WorkTask

    rng = random.Random(seed)
    province = Organization.objects.get(depth=1, name=PROVINCE_NAME)
    depts = {
        o.name: o
        for o in Organization.objects.filter(path__startswith=province.path, depth=2, kind="department")
    }
    urumqi = Organization.objects.get(parent_path_filter(province), name="乌鲁木齐市教育局")
    u_depts = {
        o.name: o
        for o in Organization.objects.filter(path__startswith=urumqi.path, depth=3, kind="department")
    }
    kashgar = Organization.objects.filter(
        path__startswith=province.path, depth=2, name__startswith="喀什"
    ).first()
    people = _People()
    leader = User.objects.get(username="xj_leader")
    drafter = User.objects.get(username="xj_jichu")
    clerk = people.get_or_create("xj_clerk", "王文秘", province, "office_clerk", "办公室秘书")
    head_jichu = people.get_or_create(
        "xj_head_jichu", "李处长", depts["基础教育处"], "department_head", "处长"
    )
    head_caiwu = people.get_or_create("xj_head_caiwu", "张处长", depts["财务处"], "department_head", "处长")
    people.get_or_create("xj_archivist", "刘档案", province, "archivist", "档案管理员")
    people.get_or_create("xj_process_admin", "赵流程", province, "process_admin", "流程管理员")
    u_clerk = people.get_or_create("urumqi_clerk", "陈文秘", urumqi, "office_clerk", "办公室秘书")
    u_leader = people.get_or_create("urumqi_leader", "马局长", urumqi, "bureau_leader", "局长")
    u_head = people.get_or_create("urumqi_head", "周科长", u_depts["基础教育科"], "department_head", "科长")
    series = NumberSeries.objects.get_or_create(
        organization=province, prefix="新教发", defaults={"name": "厅发文"}
    )[0]
    NumberSeries.objects.get_or_create(
        organization=province, prefix="新教办函", defaults={"name": "办公室函"}
    )
    NumberSeries.objects.get_or_create(organization=urumqi, prefix="乌教发", defaults={"name": "局发文"})

    def task(document: Any, spec: str) -> Any:
        return (
            WorkTask.objects.filter(document=document, spec_name=spec, status="open").order_by("id").first()
        )

    def draft(doc_type: str, title: str, **extra: Any) -> Any:
        return actions.do_create_draft(
            organization=province,
            doc_type=doc_type,
            title=title,
            body_text=BODY,
            acting_user=drafter,
            series=series,
            main_recipients="各州、市（地）教育局，各直属学校："
            if doc_type != "request"
            else "自治区人民政府：",
            cc_recipients="自治区人民政府办公厅。",
            attachment_notes=["工作进度安排表"] if rng.random() < 0.5 else [],
            countersign_units=[depts["财务处"]],
            recipient_units=[urumqi, kashgar] if kashgar else [urumqi],
            **extra,
        )

    stages = [
        "draft",
        "review",
        "countersign",
        "signoff",
        "distributed",
        "distributed",
        "distributed",
        "review",
    ]
    made = 0
    incoming_made = []
    for (doc_type, title), stage in zip(NOTICES, stages, strict=True):
        document = draft(doc_type, title)
        made += 1
        if stage == "draft":
            continue
        actions.do_act(task(document, "draft"), acting_user=drafter, outcome="submit")
        if stage == "review":
            continue
        actions.do_act(
            task(document, "review"), acting_user=clerk, outcome="pass", opinion="核稿无误，请会签。"
        )
        if stage == "countersign":
            continue
        actions.do_act(
            task(document, "countersign"),
            acting_user=head_caiwu,
            outcome="agree",
            opinion="经费安排可行，同意。",
        )
        if stage == "signoff":
            continue
        actions.do_act(task(document, "signoff"), acting_user=leader, outcome="approve", opinion="同意印发。")
        actions.do_act(task(document, "dispatch"), acting_user=clerk, outcome="done")
        incoming_made.append(Document.objects.get(source=document, organization=urumqi))
        progress(f"  office: {document.doc_number} {document.title}")
    # The copies at 乌鲁木齐市教育局, each one step further along.
    for index, incoming in enumerate(incoming_made):
        if index >= 1:
            actions.do_act(task(incoming, "signfor"), acting_user=u_clerk, outcome="received")
            actions.do_act(
                task(incoming, "register"),
                acting_user=u_clerk,
                outcome="registered",
                needs_instruction=True,
                handling_units=[u_depts["基础教育科"]],
            )
            actions.do_act(
                task(incoming, "propose"),
                acting_user=u_clerk,
                outcome="proposed",
                opinion="拟请基础教育科牵头办理。",
                handling_units=[u_depts["基础教育科"]],
            )
        if index >= 2:
            actions.do_act(
                task(incoming, "instruct"),
                acting_user=u_leader,
                outcome="instructed",
                opinion="请基础教育科抓紧落实。",
            )
    del head_jichu, u_head
    return {"documents": made, "incoming": len(incoming_made)}


def parent_path_filter(unit: Organization) -> Any:
    from django.db.models import Q

    return Q(path__startswith=unit.path, depth=unit.depth + 1)

"""The internal office of the demo province: people on the document routes, number series
and documents at every stage, driven through the real actions and processes (so every
signed PDF, number, opinion and receipt is what the product would have made).

The other office areas (supervision, meetings, duty rosters, internal approvals) get their
demo data in ``build_office_areas``, called at the end of ``build_office``. Dates are
counted from today on the work calendar, so the demo looks current whenever it is built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

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
            # A fixed mobile number per login, as the demo tree's people have (duty rosters list it).
            digits = int(hashlib.sha256(username.encode()).hexdigest()[:8], 16) % 10**8
            user = User.objects.create(
                username=username,
                real_name=real_name,
                password=self.password_hash,
                phone=f"139{digits:08d}",
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

    # The 请示 (addressed upwards) waits in review; the notices and the letter go out.
    stages = [
        "draft",
        "review",
        "countersign",
        "signoff",
        "distributed",
        "distributed",
        "review",
        "distributed",
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
        document.refresh_from_db(fields=["doc_number"])
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
            # The leader's instruction (批示) puts the document under supervision (督办) at
            # 乌鲁木齐市教育局: the item's source is this incoming document.
            actions.do_act(
                task(incoming, "instruct"),
                acting_user=u_leader,
                outcome="instructed",
                opinion="请基础教育科抓紧落实，10个工作日内报送落实情况。",
                supervise=index == 2,
                handle_due=_working_days_later(10, urumqi),
            )
    del head_jichu, u_head
    counts = {"documents": made, "incoming": len(incoming_made)}
    counts.update(build_office_areas(seed=seed, progress=progress))
    return counts


def parent_path_filter(unit: Organization) -> Any:
    from django.db.models import Q

    return Q(path__startswith=unit.path, depth=unit.depth + 1)


# --- The other office areas ---------------------------------------------------------------


def _working_days_later(n: int, unit: Organization) -> dt.date:
    from edugov.core.calendar import add_working_days
    from edugov.office.models.supervision import jurisdiction_of

    return add_working_days(timezone.localdate(), n, jurisdiction_of(unit)).result


def _working_days_ago(n: int, unit: Organization) -> dt.date:
    from edugov.office.models.supervision import jurisdiction_of, working_days_before

    return working_days_before(timezone.localdate(), n, jurisdiction_of(unit))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware time on ``day`` (Beijing time; Xinjiang's offices open at 10:00 and 16:00)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _Areas:
    """The people and units the area builders share."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.province = Organization.objects.get(depth=1, name=PROVINCE_NAME)
        self.depts = {
            o.name: o
            for o in Organization.objects.filter(
                path__startswith=self.province.path, depth=2, kind="department"
            )
        }
        self.bureaus = {
            o.name: o
            for o in Organization.objects.filter(path__startswith=self.province.path, depth=2, kind="bureau")
        }
        self.urumqi = self.bureaus["乌鲁木齐市教育局"]
        users = User.objects.filter(
            username__in=[
                "xj_leader",
                "xj_jichu",
                "urumqi_staff",
                *OFFICE_LOGINS,
            ]
        )
        self.users = {u.username: u for u in users}

    def user(self, username: str) -> User:
        return self.users[username]

    def bureau(self, prefix: str) -> Organization | None:
        return next((b for name, b in sorted(self.bureaus.items()) if name.startswith(prefix)), None)

    def staff_of(self, unit: Organization) -> User | None:
        """The demo tree's 科员 of a prefecture bureau (bureau_staff there)."""
        grant = (
            Grant.objects.filter(organization=unit, role__code="bureau_staff", user__is_active=True)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        return grant.user if grant else None


def build_office_areas(*, seed: int = 2026, progress: Callable[[str], Any] = print) -> dict[str, int]:
    """Supervision items in every colour, meetings, duty rosters and approvals of the province bureau.

    Runs after ``build_office`` (it needs its people, and the instruction on an incoming
    document of 乌鲁木齐市教育局 that opened a supervision item there). Everything goes
    through the areas' actions; the few direct row writes put things in the past, which the
    actions rightly refuse (each says why). The areas are built in one transaction.
    """
    with transaction.atomic():
        areas = _Areas(seed)
        counts: dict[str, int] = {}
        counts.update(_build_meetings(areas, progress))
        counts.update(_build_supervision(areas, progress))
        counts.update(_build_rosters(areas, progress))
        counts.update(_build_approvals(areas, progress))
        counts.update(_build_archives(areas, progress))
    return counts


# --- Archives -------------------------------------------------------------------------------


def _build_archives(areas: _Areas, progress: Callable[[str], Any]) -> dict[str, int]:
    """Paper records beside the archived documents, and loans at every stage."""
    from edugov.office.actions.archives import (
        do_decide_loan,
        do_lend_loan,
        do_register_paper_record,
        do_request_loan,
    )
    from edugov.office.models import ArchiveRecord

    archivist, borrower = areas.user("xj_archivist"), areas.user("xj_clerk")
    year = timezone.localdate().year
    papers = [
        do_register_paper_record(
            organization=areas.province,
            title=title,
            year=paper_year,
            retention=retention,
            location=location,
            acting_user=archivist,
            pages=pages,
            keywords=keywords,
        )
        for title, paper_year, retention, location, pages, keywords in (
            (
                "自治区教育事业发展“十四五”规划（纸质原件）",
                2021,
                "permanent",
                "A区-03柜-02盒",
                126,
                "规划 十四五",
            ),
            ("2024年全区中小学校舍安全排查汇总表", 2024, "30y", "B区-11柜-07盒", 48, "校舍 安全"),
            ("2025年教师资格认定工作材料", 2025, "10y", "C区-02柜-15盒", 212, "教师资格"),
        )
    ]
    # A paper loan handed out, a digital loan of an archived document approved, one waiting.
    lent = do_request_loan(
        papers[1], kind="paper", purpose="校舍安全复查对照", requested_days=10, acting_user=borrower
    )
    do_decide_loan(lent, approve=True, acting_user=archivist, note="同意借阅")
    do_lend_loan(lent, acting_user=archivist)
    record = (
        ArchiveRecord.objects.filter(organization=areas.province, document__isnull=False)
        .order_by("pk")
        .first()
    )
    digital = 0
    if record is not None:
        loan = do_request_loan(
            record,
            kind="digital",
            purpose="起草配套文件参考",
            requested_days=3,
            acting_user=areas.user("xj_leader"),
        )
        do_decide_loan(loan, approve=True, acting_user=archivist, note="同意在线查阅")
        digital = 1
    do_request_loan(
        papers[2],
        kind="paper",
        purpose="核对认定名单",
        requested_days=5,
        acting_user=borrower,
    )
    progress(f"  office: {len(papers)} paper records, loans lent, digital and waiting ({year})")
    return {"paper_records": len(papers), "loans": 2 + digital}


# --- Meetings -------------------------------------------------------------------------------


def _build_meetings(areas: _Areas, progress: Callable[[str], Any]) -> dict[str, int]:
    from edugov.office.actions import meetings as actions
    from edugov.office.models import Meeting

    province = areas.province
    clerk, leader = areas.user("xj_clerk"), areas.user("xj_leader")
    head_jichu, head_caiwu = areas.user("xj_head_jichu"), areas.user("xj_head_caiwu")
    drafter = areas.user("xj_jichu")
    u_leader, u_head, u_clerk = (
        areas.user("urumqi_leader"),
        areas.user("urumqi_head"),
        areas.user("urumqi_clerk"),
    )
    party_room = actions.do_create_room(
        organization=province,
        name="党组会议室",
        location="厅机关办公楼4楼",
        capacity=24,
        equipment="会议话筒、投影仪",
        acting_user=clerk,
    )
    first_room = actions.do_create_room(
        organization=province,
        name="第一会议室",
        location="厅机关办公楼2楼",
        capacity=80,
        equipment="视频会议终端、LED大屏、会议话筒",
        has_video=True,
        acting_user=clerk,
    )
    actions.do_create_room(
        organization=province,
        name="第三会议室",
        location="厅机关办公楼3楼",
        capacity=16,
        equipment="电视屏幕",
        acting_user=clerk,
    )
    day = {n: _working_days_later(n, province) for n in (1, 2, 3, 6, 8)}
    # 厅党组会议 this week (the next working day), in person.
    party = actions.do_call_meeting(
        organization=province,
        title="厅党组会议（第" + str(20 + areas.rng.randint(1, 9)) + "次）",
        starts_at=_at(day[1], 10, 30),
        ends_at=_at(day[1], 12, 30),
        room=party_room,
        agenda=[
            ("传达学习自治区党委有关会议精神", "艾尔肯", 30),
            ("研究2027年教育经费预算安排", "张处长", 40),
            ("审议秋季学期义务教育招生入学工作情况报告", "李处长", 30),
        ],
        attendees=[leader, head_jichu, head_caiwu],
        notes="请各位参会人员提前10分钟到场，会议材料会前分发。",
        acting_user=clerk,
    )
    actions.do_respond_to_meeting(party, response="accepted", acting_user=leader)
    actions.do_respond_to_meeting(party, response="accepted", acting_user=head_jichu)
    # A video conference with the prefecture bureaus (remote, with its link).
    remote = actions.do_call_meeting(
        organization=province,
        title="全区教育系统冬季安全稳定工作视频会议",
        kind="remote",
        starts_at=_at(day[2], 16, 30),
        ends_at=_at(day[2], 18, 0),
        remote_url="https://meeting.edu.example.gov.cn/j/6500202611",
        remote_meeting_id="650 020 2611",
        remote_passcode="2026",
        agenda=[
            ("通报近期校园安全形势", "学生工作处", 20),
            ("部署冬季防火、防寒、防一氧化碳中毒工作", "艾尔肯", 30),
        ],
        attendees=[leader, u_leader, u_head, head_jichu],
        optional_attendees=[drafter],
        notes="各州、市（地）教育局在本单位视频会议室参会，请提前30分钟调试设备。",
        acting_user=clerk,
    )
    actions.do_respond_to_meeting(remote, response="accepted", acting_user=leader)
    actions.do_respond_to_meeting(
        remote, response="delegated", reason="同时段参加市委会议", delegate=u_clerk, acting_user=u_leader
    )
    actions.do_respond_to_meeting(remote, response="accepted", acting_user=u_head)
    # Next week: in the video room, some answers still outstanding.
    actions.do_call_meeting(
        organization=province,
        title="秋季学期义务教育招生入学工作推进会",
        starts_at=_at(day[6], 10, 30),
        ends_at=_at(day[6], 12, 0),
        kind="hybrid",
        room=first_room,
        remote_url="https://meeting.edu.example.gov.cn/j/6500202612",
        agenda=[("各地汇报招生入学进展", "各州、市（地）教育局", 45), ("部署下一阶段工作", "李处长", 20)],
        attendees=[head_jichu, drafter, u_head],
        optional_attendees=[u_leader],
        acting_user=clerk,
    )
    budget = actions.do_call_meeting(
        organization=province,
        title="2027年部门预算编制布置会",
        starts_at=_at(day[8], 16, 30),
        ends_at=_at(day[8], 18, 0),
        room=party_room,
        attendees=[head_caiwu, head_jichu, clerk],
        acting_user=clerk,
    )
    actions.do_respond_to_meeting(budget, response="accepted", acting_user=head_caiwu)
    actions.do_respond_to_meeting(
        budget, response="declined", reason="当天赴喀什地区督导检查", acting_user=head_jichu
    )
    # Last week's 厅长办公会议, with minutes and two decisions. Booking refuses a time that is
    # over, so the meeting is called for now and its row moved back a week before the minutes.
    held = actions.do_call_meeting(
        organization=province,
        title="厅长办公会议",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
        room=party_room,
        agenda=[("研究课后服务提质增效工作", "李处长", 30), ("研究学前教育专项资金拨付", "张处长", 30)],
        attendees=[leader, head_jichu, head_caiwu],
        acting_user=clerk,
    )
    for person in (leader, head_jichu, head_caiwu):
        actions.do_respond_to_meeting(held, response="accepted", acting_user=person)
    last_week = _working_days_ago(5, province)
    Meeting.objects.filter(pk=held.pk).update(starts_at=_at(last_week, 10, 30), ends_at=_at(last_week, 12, 0))
    held.refresh_from_db()
    minutes = actions.do_record_minutes(
        held,
        text=(
            "会议由艾尔肯同志主持。会议听取了基础教育处关于课后服务工作情况的汇报和财务处关于"
            "学前教育专项资金拨付情况的汇报。\n"
            "会议认为，课后服务工作总体进展顺利，但部分地区覆盖面不足、内容单一。"
            "会议要求各处室按照分工抓好落实。"
        ),
        acting_user=clerk,
    )
    supervised = actions.do_add_decision(
        minutes,
        text="基础教育处牵头制定全区中小学课后服务提质增效工作方案，报厅党组审定。",
        owner_unit=areas.depts["基础教育处"],
        due_on=_working_days_later(15, province),
        acting_user=clerk,
    )
    actions.do_add_decision(
        minutes,
        text="财务处会同基础教育处做好学前教育专项资金拨付，确保年底前全部下达。",
        owner_unit=areas.depts["财务处"],
        due_on=_working_days_later(20, province),
        acting_user=clerk,
    )
    actions.do_approve_minutes(minutes, acting_user=clerk)
    actions.do_supervise_decision(supervised, acting_user=clerk)
    progress("  office: meetings — 3 rooms, 4 upcoming meetings, 1 held with minutes")
    return {"meetings": Meeting.objects.filter(organization=province).count()}


# --- Supervision ----------------------------------------------------------------------------


def _build_supervision(areas: _Areas, progress: Callable[[str], Any]) -> dict[str, int]:
    from edugov.office.actions import supervision as actions
    from edugov.office.models import SupervisionItem, SupervisionMilestone

    province, depts = areas.province, areas.depts
    clerk = areas.user("xj_clerk")
    later = {n: _working_days_later(n, province) for n in (2, 3, 5, 8, 10, 15, 20, 25)}
    kashgar = areas.bureau("喀什") or areas.urumqi
    ili = areas.bureau("伊犁") or areas.urumqi

    def create(title: str, owner_unit: Organization, due: int, **extra: Any) -> Any:
        return actions.do_create_supervision_item(
            organization=province,
            title=title,
            owner_unit=owner_unit,
            due_on=later[due],
            acting_user=clerk,
            **extra,
        )

    def report(item: Any, user: User | None, percent: int, text: str, **extra: Any) -> None:
        if user is not None:
            actions.do_report_progress(item, acting_user=user, text=text, percent=percent, **extra)

    # Green: well ahead of its deadline and milestones, progress reported.
    enrolment = create(
        "落实2026年秋季学期义务教育招生入学工作",
        depts["基础教育处"],
        25,
        description="摸清适龄儿童底数，确保应入尽入；12月底前报送工作总结。",
        co_units=[areas.urumqi],
        owner=areas.user("xj_head_jichu"),
        milestones=[("完成适龄儿童摸底排查", later[8]), ("报送工作总结", later[20])],
    )
    report(
        enrolment,
        areas.user("xj_jichu"),
        40,
        "已完成14个地州市摸底数据汇总，正在核对外来务工人员随迁子女数据。",
    )
    report(enrolment, areas.user("urumqi_staff"), 35, "乌鲁木齐市各区县摸底工作已过半。")
    create(
        "做好教师资格认定工作",
        depts["教师工作处"],
        25,
        description="按期完成2026年下半年中小学教师资格认定，做好证书发放。",
    )
    fire = create(
        "开展冬季校园防火安全检查",
        ili,
        15,
        description="全面排查学校宿舍、食堂、锅炉房火灾隐患，建立整改台账。",
        co_units=[kashgar],
    )
    report(fire, areas.staff_of(ili), 60, "已检查学校312所，发现隐患27处，已整改19处。")
    # Amber: a milestone due within three working days.
    safety = create(
        "中小学校园安全专项检查问题整改",
        areas.urumqi,
        20,
        description="对专项检查发现的问题逐项整改销号。",
        milestones=[("报送自查整改报告", later[2])],
    )
    report(safety, areas.user("urumqi_staff"), 30, "自查整改报告已起草，正在征求各区县意见。")
    # Amber: the deadline itself is near.
    funds = create(
        "下达学前教育发展专项资金",
        depts["财务处"],
        3,
        description="按照资金分配方案，将专项资金全部下达各地。",
        co_units=[depts["基础教育处"]],
    )
    report(funds, areas.user("xj_head_caiwu"), 80, "资金分配方案已经厅党组会议审定，正在办理拨付手续。")
    # Red: overdue. The action refuses deadlines in the past, so the item is created with a
    # near deadline and its row moved back: created a month ago, due five working days ago.
    statistics = create(
        "整改2026年上半年教育统计数据质量问题",
        depts["发展规划处"],
        5,
        description="对通报指出的数据质量问题逐项核实更正，并报送整改情况。",
    )
    SupervisionItem.objects.filter(pk=statistics.pk).update(
        due_on=_working_days_ago(5, province),
        created_at=timezone.now() - dt.timedelta(days=30),
    )
    # Red: a milestone missed (moved into the past for the same reason).
    after_school = create(
        "课后服务工作督导检查",
        kashgar,
        20,
        description="对辖区中小学课后服务开展情况进行全覆盖督导检查。",
        milestones=[("完成督导检查方案", later[5]), ("报送督导检查报告", later[15])],
    )
    report(after_school, areas.staff_of(kashgar), 20, "督导检查方案正在修改完善。")
    SupervisionMilestone.objects.filter(item=after_school, position=1).update(
        due_on=_working_days_ago(2, kashgar)
    )
    # Completed (grey): all done and accepted.
    week = create(
        "组织开展国家通用语言文字推广普及周活动",
        depts["基础教育处"],
        10,
        description="组织全区各级各类学校开展推普周系列活动。",
    )
    report(week, areas.user("xj_head_jichu"), 100, "推普周系列活动已全部完成，共组织活动1,200余场。")
    actions.do_complete_item(week, acting_user=clerk, note="活动组织有序，效果良好，同意办结。")
    for item in SupervisionItem.objects.filter(pk__in=[statistics.pk, after_school.pk]):
        actions.refresh_rag(item)
    # The daily job: reminders for the amber and red items, escalation of the long-overdue one.
    actions.send_reminders()
    items = SupervisionItem.objects.all()
    colours = sorted(set(items.values_list("rag", flat=True)))
    progress(f"  office: supervision — {items.count()} items ({', '.join(colours)})")
    return {"supervision_items": items.count()}


# --- Duty rosters ---------------------------------------------------------------------------

DUTY_PHONE = "0991-8560110"  # the bureau's duty line (值班电话) in the demo


def _next_holiday(unit: Organization) -> Any:
    """The first holiday day after today in the work calendar (national or the unit's region)."""
    from edugov.core.choices import CalendarDayKind, Jurisdiction
    from edugov.core.models import CalendarDay
    from edugov.office.actions.rosters import jurisdiction_of

    return (
        CalendarDay.objects.filter(
            kind=CalendarDayKind.HOLIDAY,
            date__gt=timezone.localdate(),
            jurisdiction__in=[Jurisdiction.NATIONAL, jurisdiction_of(unit)],
        )
        .order_by("date", "pk")
        .first()
    )


def _build_rosters(areas: _Areas, progress: Callable[[str], Any]) -> dict[str, int]:
    from edugov.office.actions import rosters as actions
    from edugov.office.models import DutyRoster, DutySlot

    province = areas.province
    clerk = areas.user("xj_clerk")
    people = [areas.user(u) for u in ("xj_clerk", "xj_jichu", "xj_archivist", "xj_process_admin")]
    leaders = [areas.user(u) for u in ("xj_leader", "xj_head_jichu", "xj_head_caiwu")]
    today = timezone.localdate()
    last = today + dt.timedelta(days=13)
    roster = actions.do_build_roster(
        organization=province,
        title=f"厅机关值班表（{today:%m月%d日}—{last:%m月%d日}）",
        starts_on=today,
        ends_on=last,
        people=people,
        leaders=leaders,
        duty_phone=DUTY_PHONE,
        acting_user=clerk,
    )
    actions.do_publish_roster(roster, acting_user=clerk)
    # A colleague asks to swap a duty with the clerk; the leader has not decided yet.
    drafter = areas.user("xj_jichu")
    mine = DutySlot.objects.filter(roster=roster, person=drafter, date__gt=today).order_by("date").first()
    theirs = (
        DutySlot.objects.filter(roster=roster, person=clerk, is_leader=False, date__gt=mine.date)
        .order_by("date")
        .first()
    )
    actions.do_request_swap(mine, slot_to=theirs, reason="当天需陪同家人就医", acting_user=drafter)
    made = 1
    holiday = _next_holiday(province)
    if holiday is None:
        progress(
            "  office: no holiday after today in the work calendar yet "
            "(enter next year's schedule under the calendar): no holiday roster"
        )
    else:
        holiday_roster = actions.do_build_holiday_roster(
            organization=province,
            year=holiday.date.year,
            holiday_name_or_range=holiday.name,
            people=people,
            leaders=leaders,
            duty_phone=DUTY_PHONE,
            acting_user=clerk,
        )
        actions.do_publish_roster(holiday_roster, acting_user=clerk)
        made += 1
    progress(f"  office: duty rosters — {made} published, 1 swap awaiting approval")
    return {"rosters": DutyRoster.objects.filter(organization=province).count()}


# --- Internal approvals ---------------------------------------------------------------------


def _build_approvals(areas: _Areas, progress: Callable[[str], Any]) -> dict[str, int]:
    from edugov.office.actions import approvals as actions
    from edugov.office.models import ApprovalKind, ApprovalRequest, WorkTask

    dept = areas.depts["基础教育处"]
    applicant = areas.user("xj_jichu")
    kinds = {k.code: k for k in ApprovalKind.objects.filter(organization__isnull=True)}

    def submit(code: str, title: str, raw: dict[str, str]) -> Any:
        values, errors = actions.clean_values(kinds[code], raw)
        if errors:  # pragma: no cover - the demo's own values fit the shipped forms
            raise ValueError(errors)
        return actions.do_submit_approval(
            organization=dept, kind=kinds[code], title=title, values=values, acting_user=applicant
        )

    def step(request: Any, spec: str) -> Any:
        return WorkTask.objects.get(process=request.process, spec_name=spec, status="open")

    start = _working_days_later(6, dept)
    leave = submit(
        "leave",
        "请假申请（年休假）",
        {
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=2)).isoformat(),
            "kind": "年休假",
            "reason": "回乡探亲。",
        },
    )
    purchase = submit(
        "purchase",
        "采购申请（基础教育处办公设备）",
        {"item": "便携式计算机2台、激光打印机1台", "amount": "16800", "reason": "现有设备已超过使用年限。"},
    )
    actions.do_decide_approval(
        step(purchase, "approve_department"),
        acting_user=areas.user("xj_head_jichu"),
        outcome="approve",
        comment="同意，请按政府采购有关规定办理。",
    )
    actions.do_decide_approval(
        step(purchase, "approve_leader"),
        acting_user=areas.user("xj_leader"),
        outcome="approve",
        comment="同意。",
    )
    del leave
    progress("  office: approvals — a leave request awaiting the department head, a purchase approved")
    return {"approvals": ApprovalRequest.objects.filter(organization=dept).count()}

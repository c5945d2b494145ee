"""Test helpers of letters and the rating loop: open a letter case, reply to it."""

from __future__ import annotations

from typing import Any

from edugov.portal.actions.letters import do_reply_letter, do_submit_letter


def open_letter(site: Any, *, kind: str = "complaint", **overrides: Any) -> tuple[Any, str]:
    values: dict[str, Any] = {
        "category": "fees",
        "region": None,
        "subject": "学校乱收费 张三反映",
        "content": "我是张三，身份证号 650102199001011234，电话 13912345678，邮箱 zs@example.com。",
        "name": "张三",
        "phone": "13912345678",
        "email": "zs@example.com",
        "consent_publish": True,
    }
    values.update(overrides)
    return do_submit_letter(site=site, kind=kind, **values)


def replied_letter(site: Any, handler: Any, **overrides: Any) -> Any:
    case, _code = open_letter(site, **overrides)
    do_reply_letter(
        case, acting_user=handler, text="经核查，已责令学校退还费用。联系人 李老师 0998-2821234。"
    )
    case.refresh_from_db()
    return case

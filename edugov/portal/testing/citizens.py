"""Test helpers: citizen accounts with valid ID numbers, disclosure requests in a few lines."""

from __future__ import annotations

from typing import Any

from edugov.core.validators import id_check_char
from edugov.platform.testing.fixtures import PASSWORD


def valid_id_number(serial: int, *, region: str = "650102", born: str = "19900101") -> str:
    """An 18-character ID number with the right GB 11643 check character."""
    body = f"{region}{born}{serial % 1000:03d}"
    return body + id_check_char(body)


def make_citizen(phone: str = "13900000001", *, serial: int = 1, real_name: str = "张三") -> Any:
    from edugov.portal.actions.citizens import do_register_citizen

    return do_register_citizen(
        real_name=real_name, id_number=valid_id_number(serial), phone=phone, password=PASSWORD
    )


def submit_request(
    citizen: Any, unit: Any, *, description: str = "2025年本市义务教育阶段学校招生计划", **extra: Any
):
    """A disclosure request by ``citizen`` to ``unit``: (case, query code)."""
    from edugov.portal.actions.disclosure_requests import do_submit_disclosure_request

    return do_submit_disclosure_request(
        requester=citizen, handling_unit=unit, description=description, **extra
    )

"""Portal test fixtures: sites for the province, a prefecture and a school of the test tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

PROVINCE_HOST = "jyt.test"
URUMQI_HOST = "wlmq.test"
KASHGAR_HOST = "ks.test"
SCHOOL_HOST = "tsyx.test"


@dataclass
class Sites:
    province: Any
    urumqi: Any
    kashgar: Any
    school: Any


def build_sites(tree: Any) -> Sites:
    from edugov.portal.actions.sites import do_create_site

    return Sites(
        province=do_create_site(tree.province, hostname=PROVINCE_HOST, acting_user=None, slug="jyt"),
        urumqi=do_create_site(tree.urumqi, hostname=URUMQI_HOST, acting_user=None, slug="wlmq"),
        kashgar=do_create_site(tree.kashgar, hostname=KASHGAR_HOST, acting_user=None, slug="ks"),
        school=do_create_site(tree.school_tianshan, hostname=SCHOOL_HOST, acting_user=None, slug="tsyx"),
    )


@pytest.fixture
def sites(tree: Any) -> Sites:
    return build_sites(tree)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Rate-limit counters and cached portal pages must not carry over from one test to the next."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()

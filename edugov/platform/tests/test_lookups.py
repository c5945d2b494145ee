"""``field__any``: the same rows as ``field__in``, with the list sent as one parameter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edugov.core.models import Organization
from edugov.platform.testing.fixtures import build_tree

pytestmark = pytest.mark.django_db


def test_any_matches_in_for_text_and_numbers():
    tree = build_tree()
    names = [tree.tianshan.name, tree.school_kashi.name, "没有这个单位", None]
    wanted = set(Organization.objects.filter(name__in=names).values_list("pk", flat=True))
    assert len(wanted) == 2
    assert set(Organization.objects.filter(name__any=names).values_list("pk", flat=True)) == wanted
    assert set(Organization.objects.filter(pk__any=list(wanted)).values_list("pk", flat=True)) == wanted
    assert not Organization.objects.filter(name__any=[]).exists()


def test_any_sends_one_parameter_however_long_the_list():
    build_tree()
    names = [f"单位{i}" for i in range(3000)]
    with CaptureQueriesContext(connection) as captured:
        assert list(Organization.objects.filter(name__any=names)) == []
    sql = captured.captured_queries[-1]["sql"]
    assert ("ANY(" in sql) if connection.vendor == "postgresql" else ("json_each" in sql)

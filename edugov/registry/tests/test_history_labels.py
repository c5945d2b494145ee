"""The lineage include reads coded values with the code tables of the record's own type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.records import do_create_record, do_update_record
from edugov.registry.lineage import history
from edugov.registry.models import Asset

pytestmark = pytest.mark.django_db


def test_asset_status_change_reads_asset_status_names(tree):
    admin = make_user("admin", unit=tree.school_tianshan, role="school_admin")
    asset = do_create_record(
        Asset,
        tree.school_tianshan,
        {
            "asset_number": "A-1",
            "name": "投影仪",
            "category": "2",
            "quantity": 1,
            "unit_value": Decimal("3200"),
            "acquired_on": dt.date(2024, 3, 1),
            "status": "1",
        },
        acting_user=admin,
    )
    do_update_record(asset, {"status": "4", "category": "3"}, acting_user=admin)
    html = render_to_string("registry/includes/history.html", {"entries": history(asset)})
    assert "4 待报废" in html
    assert "1 在用" in html
    assert "3 专用设备" in html
    # Not the student-status table, which also has a code 04/1.
    assert "在读" not in html

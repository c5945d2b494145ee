"""A unit's site answers on its own host name with its own home page (PUB-2)."""

from __future__ import annotations

import pytest
from wagtail.models import Site

from edugov.portal.testing.fixtures import PROVINCE_HOST, URUMQI_HOST

pytestmark = pytest.mark.django_db


def test_each_host_serves_its_own_home_page(client, sites):
    province = client.get("/", HTTP_HOST=PROVINCE_HOST)
    urumqi = client.get("/", HTTP_HOST=URUMQI_HOST)
    assert province.status_code == 200
    assert urumqi.status_code == 200
    assert "新疆维吾尔自治区教育厅" in province.content.decode()
    assert "乌鲁木齐市教育局" in urumqi.content.decode()
    assert "乌鲁木齐市教育局" not in province.content.decode()


def test_no_stock_wagtail_site_answers_unknown_hosts(client, sites):
    assert not Site.objects.filter(site_name="").exclude(portal__isnull=False).exists()
    response = client.get("/", HTTP_HOST="unknown.test")
    assert response.status_code == 200
    assert "Welcome to your new Wagtail site" not in response.content.decode()

"""The demo province: complete, valid, deterministic and idempotent."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from edugov.core.audit import verify_chain
from edugov.core.models import Grant, Organization, Region, User
from edugov.core.validators import validate_school_code

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_province(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("populate_demo", "--scale", "small")
    out = capsys.readouterr().out
    assert "tianshan_staff" in out
    assert "Edugov-Demo-2026" in out
    assert (tmp_path / "demo-logins.txt").read_text(encoding="utf-8") in out

    province = Organization.objects.get(depth=1)
    prefectures = Organization.objects.filter(kind="bureau", level="prefecture")
    assert prefectures.count() == 14
    current_counties = Region.objects.filter(
        code__startswith="65", level="county", valid_until__isnull=True
    ).exclude(parent_id="659000")
    county_bureaus = Organization.objects.filter(kind="bureau", level="county")
    assert set(county_bureaus.values_list("region_id", flat=True)) == set(
        current_counties.values_list("code", flat=True)
    )
    assert Organization.objects.below(province).filter(kind="department").exists()

    schools = Organization.objects.schools()
    assert schools.count() > 1000
    assert set(schools.values_list("school_type", flat=True)) >= {"111", "211", "311", "312", "342", "514"}
    for code in schools.values_list("school_code", flat=True)[:200]:
        assert validate_school_code(code) == code
    assert Organization.find_problems() == ([], [], [], [], [])

    staff = User.objects.get(username="tianshan_staff")
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    assert not Authenticator.objects.filter(user__username="teacher").exists()
    assert Grant.objects.get(user__username="auditor").organization == province
    assert list(verify_chain()) == []

    before = (Organization.objects.count(), User.objects.count())
    call_command("populate_demo", "--scale", "small")
    assert "nothing changed" in capsys.readouterr().out
    assert (Organization.objects.count(), User.objects.count()) == before


def test_demo_totp_matches_the_stored_secret(settings, tmp_path, capsys):
    from allauth.mfa.totp.internal.auth import TOTP

    settings.VAR_DIR = tmp_path
    call_command("populate_demo", "--no-registry")
    capsys.readouterr()
    call_command("demo_totp", "tianshan_staff")
    code = capsys.readouterr().out.strip()
    authenticator = Authenticator.objects.get(user__username="tianshan_staff", type="totp")
    assert TOTP(authenticator).validate_code(code)

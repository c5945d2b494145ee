"""Citizen real-name accounts: registration, sign-in landing, no staff data (PUB-3, PUB-4)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from edugov.core.crypto import lookup_hash
from edugov.core.models import AuditEntry, User
from edugov.platform.testing.fixtures import PASSWORD, make_user
from edugov.portal.actions.citizens import CitizenErrorCode, do_register_citizen, is_citizen
from edugov.portal.models import CitizenProfile
from edugov.portal.testing.citizens import make_citizen, valid_id_number

pytestmark = pytest.mark.django_db
REGISTER = "/services/account/register/"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def form_data(**overrides):
    data = {
        "real_name": "王五",
        "id_number": valid_id_number(7),
        "phone": "13800138000",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def error_codes(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def test_registration_creates_a_signed_in_citizen_with_an_encrypted_id_number(client):
    response = client.post(REGISTER, form_data())
    assert response.status_code == 302
    assert response.url == reverse("portal_public:account")
    user = User.objects.get(username="13800138000")
    assert user.real_name == "王五"
    assert user.phone == "13800138000"
    assert not user.memberships.exists()
    profile = user.citizen
    assert profile.id_number == valid_id_number(7)
    assert profile.id_number_hash == lookup_hash(valid_id_number(7), kind="id")
    assert profile.id_number_masked == "650102********" + valid_id_number(7)[-4:]
    assert profile.verification == "declared"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM portal_citizenprofile WHERE id = %s", [profile.pk])
        stored = cursor.fetchone()[0]
    assert valid_id_number(7) not in stored  # encrypted at rest
    assert AuditEntry.objects.filter(event_type="portal.citizen_registered", acting_user=user).exists()
    # Signed in: "my cases" answers.
    assert client.get(reverse("portal_public:account")).status_code == 200


def test_a_duplicate_id_number_is_refused_without_revealing_the_other_account(client):
    make_citizen("13900000009", serial=7)
    response = client.post(REGISTER, form_data(phone="13800138001"))
    assert response.status_code == 200
    assert error_codes(response, "id_number") == [CitizenErrorCode.ID_NUMBER_TAKEN]
    assert "13900000009" not in response.content.decode()
    assert "139****0009" not in response.content.decode()
    assert not User.objects.filter(username="13800138001").exists()


def test_a_phone_already_used_as_a_user_name_is_refused(client):
    make_user("13800138000")
    response = client.post(REGISTER, form_data())
    assert error_codes(response, "phone") == [CitizenErrorCode.PHONE_TAKEN]
    assert not CitizenProfile.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        (
            {"id_number": valid_id_number(7)[:-1] + ("0" if valid_id_number(7)[-1] != "0" else "1")},
            "id_number",
            "id_check_digit",
        ),
        ({"phone": "2380013800"}, "phone", "invalid"),
        ({"password2": PASSWORD + "x"}, "password2", "password_mismatch"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "password_entirely_numeric"),
    ],
)
def test_registration_checks_id_digits_phone_and_password(client, overrides, field, code):
    response = client.post(REGISTER, form_data(**overrides))
    assert response.status_code == 200
    assert code in error_codes(response, field)
    assert not CitizenProfile.objects.exists()


def test_registration_is_rate_limited(client):
    for n in range(10):
        client.post(REGISTER, form_data(phone=f"1380013800{n}", id_number="bad"))
    response = client.post(REGISTER, form_data())
    assert response.status_code == 429
    assert not User.objects.filter(username="13800138000").exists()


def test_a_citizen_lands_on_my_cases_after_sign_in_and_never_in_the_workspace(client, tree, no_mfa):
    citizen = make_citizen("13900000001", serial=1)
    assert is_citizen(citizen)
    response = client.post("/accounts/login/", {"login": "13900000001", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal_public:account")
    workspace = client.get(reverse("workspace:home"))
    assert workspace.status_code == 302
    assert workspace.url == reverse("portal_public:account")
    for staff_url in ("/portal/disclosure/", "/workspace/units/"):
        assert client.get(staff_url).status_code in (403, 404)


def test_staff_still_land_in_the_workspace(client, tree, no_mfa):
    make_user("clerk", unit=tree.urumqi, role="case_handler")
    response = client.post("/accounts/login/", {"login": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("workspace:home")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_register_action_refuses_an_invalid_id_number():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        do_register_citizen(
            real_name="赵六",
            id_number=wrong_check_digit(valid_id_number(10)),
            phone="13800000000",
            password=PASSWORD,
        )
    assert refused.value.error_list[0].code == "id_check_digit"

"""Sign-in, lockout without account enumeration, MFA, idle timeout (PL-1, GB/T 22239 L3-CES1-01..04)."""

import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from edugov.core.models import AuditEntry, User
from edugov.platform.testing.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"login": username, "password": password})


def _normalise(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'value="[^"]*"', 'value=""', html)


def test_sign_in_page_is_chinese(client):
    body = client.get(LOGIN).content.decode()
    assert 'lang="zh-hans"' in body


def test_sign_in_and_out_are_audited(client, tree, no_mfa):
    user = make_user("ts_clerk", unit=tree.tianshan, role="bureau_staff")
    response = _login(client, "ts_clerk", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("workspace:home")).status_code == 200
    client.post("/accounts/logout/")
    events = list(AuditEntry.objects.filter(acting_user=user).values_list("event_type", flat=True))
    assert "auth.login" in events
    assert "auth.logout" in events


def test_failed_sign_in_is_audited_without_revealing_the_account(client, tree):
    make_user("real_user", unit=tree.tianshan)
    real = _login(client, "real_user", "wrong-password-1")
    ghost = _login(client, "no_such_user", "wrong-password-1")
    assert real.status_code == ghost.status_code == 200
    assert _normalise(real.content.decode()) == _normalise(ghost.content.decode())
    failed = AuditEntry.objects.filter(event_type="auth.login_failed").values_list(
        "acting_username", flat=True
    )
    assert set(failed) == {"real_user", "no_such_user"}


def test_lockout_looks_the_same_for_real_and_unknown_accounts(client, tree, settings):
    make_user("locked_real", unit=tree.tianshan)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "locked_real", "wrong-password-1")
        _login(client, "locked_ghost", "wrong-password-1")
    real = _login(client, "locked_real", PASSWORD)  # even the right password is refused now
    ghost = _login(client, "locked_ghost", PASSWORD)
    assert real.status_code == ghost.status_code == 429
    assert _normalise(real.content.decode()) == _normalise(ghost.content.decode())
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(event_type="auth.locked_out").exists()


def test_lock_expires_after_the_cool_off(client, tree, settings):
    make_user("cool_user", unit=tree.tianshan)
    settings.EDUGOV_MFA_REQUIRED_ROLES = []
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "cool_user", "wrong-password-1")
        assert _login(client, "cool_user", PASSWORD).status_code == 429
        traveller.shift(60 * 16)
        assert _login(client, "cool_user", PASSWORD).status_code == 302


def test_mfa_is_required_for_marked_roles(client, tree):
    user = make_user("must_mfa", unit=tree.tianshan, role="bureau_staff")
    client.force_login(user)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("workspace:home")).status_code == 200


def test_roles_not_marked_need_no_mfa(client, tree):
    client.force_login(make_user("teacher_x", unit=tree.school_tianshan, role="teacher"))
    assert client.get(reverse("workspace:home")).status_code == 200


def test_totp_sign_in_requires_the_code(client, tree):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    user = make_user("totp_user", unit=tree.tianshan, role="bureau_staff")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = _login(client, "totp_user", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    bad = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session
    code = f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"
    good = client.post(reverse("mfa_authenticate"), {"code": code})
    assert good.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_idle_session_times_out(client, tree, settings, no_mfa):
    user = make_user("idle_user", unit=tree.tianshan, role="bureau_staff")
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False) as traveller:
        client.force_login(user)
        assert client.get(reverse("workspace:home")).status_code == 200
        traveller.shift(settings.SESSION_COOKIE_AGE - 60)
        assert client.get(reverse("workspace:home")).status_code == 200  # activity extends the session
        traveller.shift(settings.SESSION_COOKIE_AGE + 60)
        response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_self_sign_up_is_closed(client):
    response = client.get("/accounts/signup/")
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    response = client.post(
        "/accounts/signup/",
        {"username": "intruder", "password1": "Aa-123456789", "password2": "Aa-123456789"},
    )
    assert not User.objects.filter(username="intruder").exists()


def test_password_change_is_audited(client, tree, no_mfa):
    user = make_user("pw_user", unit=tree.tianshan, role="bureau_staff")
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "New-Secret-2026!x", "password2": "New-Secret-2026!x"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(event_type="auth.password_changed", acting_user=user).exists()


def test_issued_password_must_be_changed_at_first_sign_in(client, tree, no_mfa):
    from edugov.core.actions.users import do_reset_user_password

    admin = make_user("ts_sys_admin", unit=tree.tianshan, role="system_admin")
    user = make_user("new_staff", unit=tree.tianshan, role="bureau_staff")
    one_time = do_reset_user_password(user, acting_user=admin)
    assert _login(client, "new_staff", one_time).status_code == 302
    response = client.get(reverse("workspace:home"))
    assert response["Location"] == reverse("account_change_password")
    client.post(
        reverse("account_change_password"),
        {"oldpassword": one_time, "password1": "Fresh-Secret-2026!", "password2": "Fresh-Secret-2026!"},
    )
    assert client.get(reverse("workspace:home")).status_code == 200
    user.refresh_from_db()
    assert user.password_must_change is False


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [(0, "203.0.113.9", "127.0.0.1"), (1, "198.51.100.7, 203.0.113.9", "203.0.113.9")],
)
def test_client_address_trusts_only_configured_proxies(client, tree, settings, proxies, forwarded, expected):
    settings.EDUGOV_TRUSTED_PROXY_COUNT = proxies
    make_user("addr_user", unit=tree.tianshan)
    client.post(
        LOGIN,
        {"login": "addr_user", "password": "bad-password-1"},
        HTTP_X_FORWARDED_FOR=forwarded,
        HTTP_X_REQUEST_ID="<script>",
    )
    entry = AuditEntry.objects.filter(event_type="auth.login_failed").latest("seq")
    assert entry.ip_address == expected
    assert entry.request_id != "<script>"
    assert len(entry.request_id) == 32

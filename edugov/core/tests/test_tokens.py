"""Personal API tokens: created and revoked in the workspace, shown once, stored as checksums."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from edugov.core.actions.tokens import do_create_api_token
from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

URL = "/workspace/api-tokens/"
STUDENTS = "/api/registry/students/"


def _raw_token(response) -> str:
    match = re.search(r'id="new-token-value"[^>]*value="([^"]+)"', response.content.decode())
    assert match, "the new token is shown"
    return match.group(1)


def _api(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_create_shows_the_token_once_and_stores_only_a_checksum(tree, client, no_mfa):
    user = make_user("r", unit=tree.school_tianshan, role="registrar")
    client.force_login(user)
    response = client.post(URL, {"name": "排课系统", "scopes": ["registry:read"], "days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = _raw_token(response)
    token = AccessToken.objects.get(user=user)
    assert token.token == ""
    assert raw not in token.token_checksum
    assert token.scope == "registry:read"
    assert token.application.name == "排课系统"
    assert token.application.user == user
    assert abs(token.expires - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    entry = AuditEntry.objects.get(event_type="api.token_created")
    assert entry.acting_user == user
    assert entry.extra_data["scopes"] == ["registry:read"]
    assert raw not in str(entry.extra_data)
    # Listed afterwards, never shown again.
    listing = client.get(URL)
    assert "排课系统" in listing.content.decode()
    assert raw not in listing.content.decode()
    # It works with the owner's grants, within its scope.
    assert _api(raw).get(STUDENTS).status_code == 200
    assert _api(raw).patch(f"{STUDENTS}1/", {"name": "x"}, format="json").status_code == 403


def test_the_token_acts_with_the_owner_s_grants_only(tree, client, no_mfa):
    from edugov.registry.tests.factories import enrol

    enrol(tree.school_tianshan)
    user = make_user("k", unit=tree.school_kashi, role="registrar")
    client.force_login(user)
    raw = _raw_token(client.post(URL, {"name": "x", "scopes": ["registry:read"], "days": "30"}))
    assert _api(raw).get(STUDENTS).json()["results"] == []


def test_invalid_requests_create_nothing(tree, client, no_mfa):
    user = make_user("r", unit=tree.school_tianshan, role="registrar")
    client.force_login(user)
    for data in (
        {"name": "", "scopes": ["registry:read"], "days": "30"},
        {"name": "x", "days": "30"},
        {"name": "x", "scopes": ["admin:everything"], "days": "30"},
        {"name": "x", "scopes": ["registry:read"], "days": "3650"},
    ):
        response = client.post(URL, data)
        assert response.status_code == 200
        assert 'id="new-token-value"' not in response.content.decode()
    assert not AccessToken.objects.exists()
    assert not Application.objects.exists()


def test_creating_needs_the_csrf_token(tree, no_mfa):
    user = make_user("r", unit=tree.school_tianshan, role="registrar")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(URL, {"name": "x", "scopes": ["registry:read"], "days": "30"})
    assert response.status_code == 403
    assert not AccessToken.objects.exists()


def test_nobody_creates_a_token_for_someone_else(tree):
    owner = make_user("owner", unit=tree.school_tianshan, role="registrar")
    other = make_user("other", unit=tree.school_tianshan, role="registrar")
    with pytest.raises(PermissionDenied):
        do_create_api_token(owner, name="x", scopes=["registry:read"], days=30, acting_user=other)
    assert not AccessToken.objects.exists()


def test_revoke_stops_the_token_at_once_and_only_the_owner_may(tree, client, no_mfa):
    owner = make_user("owner", unit=tree.school_tianshan, role="registrar")
    token, raw = do_create_api_token(
        owner, name="x", scopes=["registry:read", "registry:write"], days=30, acting_user=owner
    )
    revoke_url = f"{URL}{token.application_id}/revoke/"
    other = make_user("other", unit=tree.school_tianshan, role="registrar")
    client.force_login(other)
    assert client.post(revoke_url).status_code == 404
    assert _api(raw).get(STUDENTS).status_code == 200
    client.force_login(owner)
    assert client.get(revoke_url).status_code == 405
    response = client.post(revoke_url)
    assert response.status_code == 302
    assert _api(raw).get(STUDENTS).status_code == 401
    assert not Application.objects.exists()
    assert AuditEntry.objects.filter(event_type="api.token_revoked", acting_user=owner).count() == 1


def test_no_oauth_endpoint_can_mint_more_tokens(tree):
    owner = make_user("owner", unit=tree.school_tianshan, role="registrar")
    token, _raw = do_create_api_token(owner, name="x", scopes=["registry:read"], days=30, acting_user=owner)
    response = Client().post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": token.application.client_id,
            "client_secret": "guess",
        },
    )
    # No OAuth endpoint is served at all: tokens are issued only in the workspace.
    assert response.status_code == 404
    assert AccessToken.objects.count() == 1


def test_nav_offers_the_token_page(tree, client, no_mfa):
    user = make_user("r", unit=tree.school_tianshan, role="registrar")
    client.force_login(user)
    assert URL in client.get("/workspace/").content.decode()


def test_changes_made_with_a_token_name_its_application_as_source(tree):
    from edugov.registry.models import ChangeRecord
    from edugov.registry.tests.factories import enrol

    enrolment = enrol(tree.school_tianshan)
    owner = make_user("owner", unit=tree.school_tianshan, role="registrar")
    token, raw = do_create_api_token(
        owner, name="x", scopes=["registry:read", "registry:write"], days=30, acting_user=owner
    )
    response = _api(raw).patch(f"{STUDENTS}{enrolment.student_id}/", {"name": "张晓明"}, format="json")
    assert response.status_code == 200, response.content
    change = ChangeRecord.objects.get(record_type="registry.student", record_id=enrolment.student_id)
    assert (change.source, change.source_ref) == ("api", f"oauth-app:{token.application_id}")
    assert change.acting_user == owner

"""The API's shared rules: authentication, token scopes, CSRF, pagination, the OpenAPI document.

The helpers here (``bearer``, ``token_client``) are imported by the other API tests.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, set_token_value
from rest_framework.test import APIClient

from edugov.platform.testing.fixtures import make_user
from edugov.registry.tests.factories import enrol

pytestmark = pytest.mark.django_db

STUDENTS = "/api/registry/students/"
READ = "registry:read"
WRITE = "registry:write"


def bearer(user: Any, *scopes: str, expires_in: dt.timedelta = dt.timedelta(hours=1)) -> str:
    """A raw bearer token for ``user`` with ``scopes``, made with the toolkit's models directly."""
    raw = secrets.token_urlsafe(24)
    token = AccessToken(user=user, scope=" ".join(scopes or (READ,)), expires=timezone.now() + expires_in)
    set_token_value(token, raw)
    token.save()
    return raw


def token_client(user: Any = None, *scopes: str) -> APIClient:
    """A client that sends a bearer token of ``user`` (anonymous when ``user`` is None)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user, *scopes)}")
    return client


def test_anonymous_gets_401_with_a_bearer_challenge(tree):
    response = APIClient().get(STUDENTS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_stored_as_checksums_only(tree):
    user = make_user("r", unit=tree.school_tianshan, role="registrar")
    raw = bearer(user, READ)
    row = AccessToken.objects.get(user=user)
    assert row.token == ""
    assert raw not in row.token_checksum
    assert token_client(user, READ).get(STUDENTS).status_code == 200


def test_expired_unknown_and_query_string_tokens_are_refused(tree):
    user = make_user("r", unit=tree.school_tianshan, role="registrar")
    enrol(tree.school_tianshan)
    expired = bearer(user, READ, expires_in=dt.timedelta(seconds=-1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {expired}")
    assert client.get(STUDENTS).status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get(STUDENTS).status_code == 401
    # RFC 9700 §4.3.2: a token in the URL is not accepted.
    raw = bearer(user, READ)
    assert APIClient().get(STUDENTS, {"access_token": raw}).status_code == 401


def test_a_deactivated_owner_s_token_stops_working(tree):
    user = make_user("r", unit=tree.school_tianshan, role="registrar")
    client = token_client(user, READ)
    assert client.get(STUDENTS).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(STUDENTS).status_code in {401, 403}


def test_read_token_cannot_write(tree):
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    enrolment = enrol(tree.school_tianshan)
    client = token_client(registrar, READ)
    response = client.patch(f"{STUDENTS}{enrolment.student_id}/", {"name": "李四"}, format="json")
    assert response.status_code == 403
    response = client.post(STUDENTS, {"school": tree.school_tianshan.pk}, format="json")
    assert response.status_code == 403
    enrolment.student.refresh_from_db()
    assert enrolment.student.name == "张小明"


def test_write_only_token_cannot_read(tree):
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    enrol(tree.school_tianshan)
    assert token_client(registrar, WRITE).get(STUDENTS).status_code == 403


def test_session_writes_need_the_csrf_token(tree, no_mfa):
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    enrolment = enrol(tree.school_tianshan)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(registrar)
    url = f"{STUDENTS}{enrolment.student_id}/"
    assert client.get(url).status_code == 200
    refused = client.patch(url, {"name": "李四"}, format="json")
    assert refused.status_code == 403
    enrolment.student.refresh_from_db()
    assert enrolment.student.name == "张小明"
    client.get("/workspace/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.patch(url, {"name": "李四"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200, accepted.content
    enrolment.student.refresh_from_db()
    assert enrolment.student.name == "李四"


def test_page_size_is_capped(tree):
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    for _ in range(3):
        enrol(tree.school_tianshan)
    client = token_client(registrar, READ)
    body = client.get(STUDENTS, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]
    capped = client.get(STUDENTS, {"page_size": 100000}).json()
    assert len(capped["results"]) == 3


ENDPOINTS = [
    "/api/registry/students/",
    "/api/registry/staff/",
    "/api/registry/buildings/",
    "/api/registry/assets/",
    "/api/registry/finance/",
    "/api/registry/schools/",
    "/api/registry/transfers/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_lists_run_a_fixed_number_of_queries(tree, url):
    from edugov.registry.tests.test_api_records import make_records

    user = make_user("admin", unit=tree.urumqi, role="bureau_staff")
    client = token_client(user, READ)

    def count(page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": page_size})
        assert response.status_code == 200
        return len(response.json()["results"]), len(queries)

    make_records(tree, 3)
    rows_small, queries_small = count(2)
    make_records(tree, 12, unit=tree.school_shayibake)
    rows_big, queries_big = count(200)
    assert rows_big > rows_small >= 1
    assert queries_big == queries_small


def test_schema_generates_without_warnings_and_has_every_path():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS._warn_cache, GENERATOR_STATS._warn_cache
    assert not GENERATOR_STATS._error_cache, GENERATOR_STATS._error_cache
    paths = set(schema["paths"])
    for url in ENDPOINTS:
        assert url in paths
        assert url + "{id}/" in paths
    assert "/api/registry/transfers/{id}/steps/{step_id}/approve/" in paths
    assert "/api/registry/transfers/{id}/steps/{step_id}/reject/" in paths
    scopes = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert scopes is not None
    enrol_op = schema["paths"][STUDENTS]["post"]
    assert {"oauth2": [WRITE]} in enrol_op["security"]
    assert "409" in enrol_op["responses"]


def test_schema_is_served_as_json_and_yaml(tree):
    json_doc = APIClient().get("/api/schema/", {"format": "json"})
    assert json_doc.status_code == 200
    assert json_doc.json()["openapi"].startswith("3.")
    yaml_doc = APIClient().get("/api/schema/", {"format": "yaml"})
    assert yaml_doc.status_code == 200
    assert "/api/registry/students/" in yaml.safe_load(yaml_doc.content)["paths"]

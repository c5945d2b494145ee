"""Rate limits, wrongly encoded requests and personal data in addresses (bad input and faults)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from edugov.config.urls import urlpatterns as project_urlpatterns
from edugov.portal.abuse import clean_text, over_limit, rate_limited
from edugov.portal.testing.fixtures import PROVINCE_HOST

STORED: list[str] = []


@csrf_exempt
def _store_view(request):
    """A tiny form view for the encoding tests: stores what clean_text accepts."""
    STORED.append(clean_text(request.POST.get("content", ""), max_length=100, field_label="内容"))
    return HttpResponse("stored")


@rate_limited("test-form", limit=2, period=600)
def _limited_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("test-store/", _store_view),
    path("test-limited/", csrf_exempt(_limited_view)),
    *project_urlpatterns,  # the portal shell reverses portal_public URLs
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    STORED.clear()
    yield
    cache.clear()


def request_from(address="203.0.113.5"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


# --- Rate limits -----------------------------------------------------------------------------------


def test_the_limit_is_reached_after_limit_hits_per_period():
    request = request_from()
    assert [over_limit(request, "letters", limit=3, period=60) for _ in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]


def test_counters_are_per_scope_and_per_address():
    for _ in range(3):
        over_limit(request_from(), "letters", limit=3, period=60)
    assert over_limit(request_from(), "letters", limit=3, period=60)
    assert not over_limit(request_from(), "disclosure", limit=3, period=60)
    assert not over_limit(request_from("198.51.100.7"), "letters", limit=3, period=60)


def test_an_ipv6_client_is_counted_by_its_64_block():
    over_limit(request_from("2001:db8:1:2::1"), "letters", limit=1, period=60)
    assert over_limit(request_from("2001:db8:1:2:ffff::9"), "letters", limit=1, period=60)
    assert not over_limit(request_from("2001:db8:1:3::1"), "letters", limit=1, period=60)


def test_a_broken_cache_lets_requests_through():
    with mock.patch("edugov.portal.abuse.cache.add", side_effect=ConnectionError("cache down")):
        assert not over_limit(request_from(), "letters", limit=0, period=60)


def test_counters_work_with_a_shared_cache_backend(tmp_path):
    shared = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    with override_settings(CACHES=shared):
        results = [over_limit(request_from(), "letters", limit=2, period=60) for _ in range(3)]
    assert results == [False, False, True]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_decorator_answers_429_in_the_portal_shell_with_retry_after(client):
    assert client.post("/test-limited/").status_code == 200
    assert client.post("/test-limited/").status_code == 200
    assert client.get("/test-limited/").status_code == 200  # only POSTs are counted by default
    refused = client.post("/test-limited/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert "portal/rate_limited.html" in [t.name for t in refused.templates]
    assert 'data-error-code="rate_limited"' in refused.content.decode()


# --- Wrongly encoded requests ----------------------------------------------------------------------

GBK_BODY = "content=招生入学咨询".encode("gbk")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_gbk_body_posted_as_utf8_is_refused_with_400_and_never_stored(client):
    response = client.post("/test-store/", data=GBK_BODY, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "portal/abuse/bad_encoding.html" in [t.name for t in response.templates]
    assert STORED == []
    escaped = client.post(
        "/test-store/", data=b"content=%D5%D0%C9%FA", content_type="application/x-www-form-urlencoded"
    )
    assert escaped.status_code == 400
    assert STORED == []


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_utf8_bodies_are_read_and_other_declared_charsets_refused(client):
    utf8 = client.post("/test-store/", data={"content": "招生入学咨询"})
    assert utf8.status_code == 200
    assert STORED == ["招生入学咨询"]
    declared = client.post(  # the client encodes the text in the declared charset
        "/test-store/",
        data="content=招生入学咨询",
        content_type="application/x-www-form-urlencoded; charset=gbk",
    )
    assert declared.status_code == 400
    assert "portal/abuse/bad_encoding.html" in [t.name for t in declared.templates]
    assert STORED == ["招生入学咨询"]


@pytest.mark.django_db
def test_a_badly_encoded_query_string_is_refused(client, tree):
    assert client.get("/services/schools/?name=%D5%D0").status_code == 400
    assert client.get("/services/search/?q=%D5%D0%C9%FA").status_code == 400
    assert client.get("/services/schools/?name=%E6%8B%9B").status_code == 200


@pytest.mark.django_db
def test_gbk_posted_to_the_school_search_form_is_refused(client, tree):
    response = client.post(
        "/services/schools/", data=GBK_BODY, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


# --- No personal data in addresses; public forms that ask for it use POST ----------------------------

PERSONAL = re.compile(
    r"id_?(number|card|no)|identity|phone|mobile|tel\b|name|e_?mail|address|birth|passport", re.I
)
PORTAL_NAMESPACES = {"portal_public", "portal"}
# GET lookup fields whose name looks personal but which are not about a person.
PUBLIC_LOOKUP_FIELDS = {("services/schools/", "name")}  # a school's name


def _walk(patterns, namespaces=(), prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, namespace, prefix + str(entry.pattern))
            params = list(getattr(entry.pattern, "converters", {})) + list(entry.pattern.regex.groupindex)
            yield namespaces, prefix + str(entry.pattern), params, None
        elif isinstance(entry, URLPattern):
            params = list(getattr(entry.pattern, "converters", {})) + list(entry.pattern.regex.groupindex)
            yield namespaces, prefix + str(entry.pattern), params, entry


def portal_routes():
    # The language prefix of i18n_patterns prints as the active language's: walk them in Chinese
    # (unprefixed), whatever language an earlier request in this thread left active.
    with translation.override(settings.LANGUAGE_CODE):
        return [
            (route, params, entry)
            for namespaces, route, params, entry in _walk(get_resolver().url_patterns)
            if PORTAL_NAMESPACES & set(namespaces)
        ]


def test_portal_routes_exist_to_check():
    routes = {route for route, _params, _entry in portal_routes()}
    assert "services/search/" in routes
    assert "services/schools/<str:school_code>/" in routes


def test_no_portal_route_carries_personal_data():
    offending = [
        (route, params)
        for route, params, _entry in portal_routes()
        if any(PERSONAL.search(p) for p in params)
    ]
    assert offending == []
    # The Wagtail page catch-all takes a page path only.
    wagtail = [params for _ns, route, params, _e in _walk(get_resolver().url_patterns) if "serve" in route]
    assert all(not PERSONAL.search(p) for params in wagtail for p in params)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "fields": []})
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].append(attrs["name"])


@pytest.mark.django_db
def test_public_forms_asking_for_personal_data_use_post(client, sites):
    checked = 0
    for route, params, entry in portal_routes():
        if params or entry is None or not route.startswith("services/"):
            continue
        response = client.get(reverse(f"portal_public:{entry.name}"), HTTP_HOST=PROVINCE_HOST)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            checked += 1
            personal = [
                name for name in form["fields"] if PERSONAL.search(name) and name != "csrfmiddlewaretoken"
            ]
            if form["method"] != "post":
                unexpected = [name for name in personal if (route, name) not in PUBLIC_LOOKUP_FIELDS]
                assert unexpected == [], (
                    f"{route}: a GET form asks for {unexpected}; personal data must be POSTed"
                )
    assert checked >= 3  # the header search box, the search page, the school directory

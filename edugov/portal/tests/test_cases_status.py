"""The public status page and the lookup (PUB-8; BEYOND A.18, B.3): no personal data, same refusals."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from edugov.core.models import User
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.ratings import do_rate_case
from edugov.portal.choices import Rating
from edugov.portal.models import CaseRating
from edugov.portal.testing.letters import open_letter, replied_letter

pytestmark = pytest.mark.django_db

PERSONAL = ("张三", "13912345678", "650102199001011234", "zs@example.com")


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def status_url(case):
    return reverse("portal_public:case_status", kwargs={"token": case.tracking_token})


def test_token_page_shows_progress_and_no_personal_data(client, sites):
    case, _code = open_letter(sites.kashgar)
    response = client.get(status_url(case), HTTP_HOST="ks.test")
    assert response.status_code == 200
    body = response.content.decode()
    assert case.number in body
    assert "喀什地区教育局" in body
    assert case.due_on.isoformat() in body
    assert 'data-testid="case-explain"' in body
    assert len(response.context["explain"]) > 15  # the rule, every day, the result
    for value in PERSONAL:
        assert value not in body
    assert "学校乱收费" not in body  # the subject is for the signed-in requester only
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_signed_in_requester_sees_the_subject(client, sites):
    citizen = User.objects.create_user(username="citizen1", password="x-Password-1", real_name="张三")
    case, _code = open_letter(sites.kashgar, requester=citizen, subject="关于补课费")
    client.force_login(citizen)
    body = client.get(status_url(case), HTTP_HOST="ks.test").content.decode()
    assert "关于补课费" in body
    client.force_login(make_user("someone"))
    assert "关于补课费" not in client.get(status_url(case), HTTP_HOST="ks.test").content.decode()


def test_unknown_token_is_not_found(client, sites):
    assert client.get("/services/cases/nope-not-a-token/", HTTP_HOST="ks.test").status_code == 404


def test_status_page_shows_the_reply_and_records_a_one_click_rating(client, tree, sites):
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    case = replied_letter(sites.kashgar, handler)
    body = client.get(status_url(case), HTTP_HOST="ks.test").content.decode()
    assert "已责令学校退还费用" in body
    assert 'data-testid="rate-1"' in body
    url = reverse("portal_public:case_rate", kwargs={"token": case.tracking_token})
    response = client.post(url, {"level": "1", "comment": "没有退钱"}, HTTP_HOST="ks.test")
    assert response.status_code == 302
    rating = CaseRating.objects.get()
    assert (rating.level, rating.comment, rating.round) == (1, "没有退钱", 0)
    again = client.post(url, {"level": "5"}, HTTP_HOST="ks.test")
    assert again.status_code == 400
    assert CaseRating.objects.count() == 1


def test_rating_before_a_reply_is_refused(client, sites):
    case, _code = open_letter(sites.kashgar)
    url = reverse("portal_public:case_rate", kwargs={"token": case.tracking_token})
    assert client.post(url, {"level": "5"}, HTTP_HOST="ks.test").status_code == 400
    assert not CaseRating.objects.exists()


def test_lookup_redirects_on_success_and_answers_alike_for_wrong_number_and_wrong_code(client, sites):
    case, code = open_letter(sites.kashgar)
    url = reverse("portal_public:case_lookup")
    ok = client.post(url, {"number": case.number.lower(), "code": code}, HTTP_HOST="ks.test")
    assert ok.status_code == 302
    assert ok["Location"] == status_url(case)
    wrong_code = client.post(url, {"number": case.number, "code": "AAAAAAAA"}, HTTP_HOST="ks.test")
    wrong_number = client.post(url, {"number": "TS2000999999", "code": code}, HTTP_HOST="ks.test")
    assert wrong_code.status_code == wrong_number.status_code == 400
    assert wrong_code.context["form"].non_field_errors() == wrong_number.context["form"].non_field_errors()


def test_lookup_is_rate_limited(client, sites):
    case, code = open_letter(sites.kashgar)
    url = reverse("portal_public:case_lookup")
    for _ in range(10):
        assert (
            client.post(url, {"number": case.number, "code": "WRONG123"}, HTTP_HOST="ks.test").status_code
            == 400
        )
    blocked = client.post(url, {"number": case.number, "code": code}, HTTP_HOST="ks.test")
    assert blocked.status_code == 429


def test_reopen_and_update_from_the_status_page(client, tree, sites):
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    case = replied_letter(sites.kashgar, handler)
    do_rate_case(case, level=Rating.SATISFIED)
    token = case.tracking_token
    response = client.post(
        reverse("portal_public:case_reopen", kwargs={"token": token}),
        {"reason": "问题依旧"},
        HTTP_HOST="ks.test",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "reopened"
    response = client.post(
        reverse("portal_public:case_update", kwargs={"token": token}),
        {"text": "<script>x</script>"},
        HTTP_HOST="ks.test",
    )
    assert response.status_code == 400
    assert not case.events.filter(kind="requester_update").exists()


def test_kind_template_falls_back_to_default(client, sites):
    from django.template.loader import select_template

    assert select_template(["portal/cases/kinds/nonexistent.html", "portal/cases/kinds/default.html"])
    case, _code = open_letter(sites.kashgar, kind="consultation")
    body = client.get(status_url(case), HTTP_HOST="ks.test").content.decode()
    assert 'data-testid="letter-facts"' in body


def test_the_uyghur_status_page_explains_the_deadline_and_timeline_in_uyghur(client, sites):
    """PUB-10: the day-by-day explanation and the timeline come from the clock and the case
    events, not only from the template; a Uyghur reader gets them in Uyghur, right to left."""
    case, _code = open_letter(sites.kashgar)
    response = client.get("/ug" + status_url(case), HTTP_HOST="ks.test")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'dir="rtl"' in body
    explain = response.context["explain"]
    assert len(explain) > 15
    arabic = re.compile(r"[\u0600-\u06FF]")
    untranslated = [line for line in explain if not arabic.search(line)]
    assert untranslated == []
    assert "تاپشۇرۇۋېلىندى" in explain[0]  # "Received on {date} …"
    for english in ("Received", "counted", "working day", "Deadline"):
        assert english not in " ".join(explain)

"""Letters on a unit's site: the form, routing, the receipt, and refusals that store nothing (PUB-8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from edugov.core.calendar import add_working_days
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.letters import do_save_routing_rule, resolve_route
from edugov.portal.models import Case, CaseAttachment, Letter
from edugov.portal.testing.fixtures import KASHGAR_HOST, URUMQI_HOST

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def letter_data(**overrides):
    data = {
        "category": "fees",
        "region": "653101",
        "subject": "学校乱收费",
        "content": "孩子所在学校要求交补课费，请核查。",
        "name": "张三",
        "phone": "13912345678",
        "email": "",
        "consent_publish": "on",
    }
    data.update(overrides)
    return data


def post_letter(client, kind="complaint", host=KASHGAR_HOST, **overrides):
    url = reverse("portal_public:letter_new", kwargs={"kind": kind})
    return client.post(url, letter_data(**overrides), HTTP_HOST=host)


def test_complaint_opens_a_case_with_number_code_and_working_day_deadline(client, sites):
    response = post_letter(client)
    assert response.status_code == 200
    case = Case.objects.get()
    body = response.content.decode()
    assert case.number.startswith("TS")
    assert case.number in body
    assert reverse("portal_public:case_status", kwargs={"token": case.tracking_token}) in body
    assert case.kind == "complaint"
    assert case.handling_unit == sites.kashgar.organization  # no rule: the site's unit
    assert case.site == sites.kashgar
    assert case.received_on == timezone.localdate()
    assert case.statutory_days == 15
    assert case.due_on == add_working_days(timezone.localdate(), 15).result
    letter = Letter.objects.get(case=case)
    assert letter.category == "fees"
    assert letter.region_id == "653101"
    assert letter.consent_publish is True
    assert case.contact_phone == "13912345678"
    assert case.requester_name == "张三"


def test_kinds_have_their_own_reply_periods(client, sites):
    for kind, days in (("consultation", 5), ("mailbox", 10), ("report", 15)):
        assert post_letter(client, kind=kind).status_code == 200
        assert Case.objects.get(kind=kind).statutory_days == days


def test_region_choices_are_the_counties_under_the_sites_unit(client, sites):
    # Urumqi's site offers Urumqi's districts, not Kashgar's.
    response = post_letter(client, host=URUMQI_HOST, region="653101")
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["region"][0].code == "invalid_choice"
    assert not Case.objects.exists()
    assert post_letter(client, host=URUMQI_HOST, region="650102").status_code == 200


def test_complaints_need_a_phone_and_reports_may_be_anonymous(client, sites):
    response = post_letter(client, phone="")
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["phone"][0].code == "required"
    response = post_letter(client, kind="report", name="", phone="")
    assert response.status_code == 200
    assert Letter.objects.get().anonymous is True


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("content", "<script>alert(1)</script>", "invalid_text"),
        ("subject", "看这里 <img src=x onerror=alert(1)>", "invalid_text"),
        ("content", "长" * 3001, "invalid_text"),
        ("subject", "题" * 101, "invalid_text"),
        ("content", "   ", "required"),
        ("phone", "12345", "invalid_phone"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_stored(client, sites, field, value, code):
    response = post_letter(client, **{field: value})
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()[field][0].code == code
    assert not Case.objects.exists()
    assert not Letter.objects.exists()


def test_attachments_are_checked_and_at_most_three(client, sites):
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(4)]
    response = post_letter(client, attachments=files)
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["attachments"][0].code == "too_many_files"
    fake = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    response = post_letter(client, attachments=[fake])
    assert response.status_code == 400
    assert not Case.objects.exists()
    good = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    assert post_letter(client, attachments=[good]).status_code == 200
    attachment = CaseAttachment.objects.get()
    assert attachment.from_requester
    assert not attachment.public


def test_submissions_are_rate_limited(client, sites):
    for _ in range(10):
        assert post_letter(client).status_code == 200
    assert post_letter(client).status_code == 429
    assert Case.objects.count() == 10


def test_no_form_on_a_host_without_a_site(client, sites):
    url = reverse("portal_public:letter_new", kwargs={"kind": "mailbox"})
    assert client.get(url, HTTP_HOST="unknown.test").status_code == 404


def test_routing_first_matching_rule_by_priority_wins(tree, sites):
    supervisor = make_user("ks_sup", unit=tree.kashgar, role="case_supervisor")
    owner = tree.kashgar
    do_save_routing_rule(
        owner=owner, target=tree.kashi_city, region_prefix="653101", priority=50, acting_user=supervisor
    )
    do_save_routing_rule(
        owner=owner,
        target=tree.school_kashi,
        category="teacher_ethics",
        region_prefix="6531",
        priority=10,
        acting_user=supervisor,
    )
    assert resolve_route(owner, "fees", "653101") == tree.kashi_city
    assert resolve_route(owner, "teacher_ethics", "653101") == tree.school_kashi
    assert resolve_route(owner, "fees", "653121") == owner
    # Another site's rules do not apply.
    assert resolve_route(tree.urumqi, "fees", "653101") == tree.urumqi


def test_routing_rules_only_to_units_below_the_owner_and_by_route_holders(tree, sites):
    from django.core.exceptions import PermissionDenied, ValidationError

    supervisor = make_user("ks_sup", unit=tree.kashgar, role="case_supervisor")
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    with pytest.raises(ValidationError) as error:
        do_save_routing_rule(owner=tree.kashgar, target=tree.tianshan, acting_user=supervisor)
    assert error.value.error_dict["target"][0].code == "route_target_out_of_scope"
    with pytest.raises(PermissionDenied):
        do_save_routing_rule(owner=tree.kashgar, target=tree.kashi_city, acting_user=handler)
    with pytest.raises(PermissionDenied):
        do_save_routing_rule(owner=tree.urumqi, target=tree.tianshan, acting_user=supervisor)


def test_submitted_letter_follows_the_rule(client, tree, sites):
    supervisor = make_user("ks_sup", unit=tree.kashgar, role="case_supervisor")
    do_save_routing_rule(
        owner=tree.kashgar, target=tree.kashi_city, region_prefix="653101", acting_user=supervisor
    )
    assert post_letter(client).status_code == 200
    assert Case.objects.get().handling_unit == tree.kashi_city


def test_reply_period_is_counted_from_the_submission_day(client, sites):
    post_letter(client, kind="consultation")
    case = Case.objects.get()
    assert case.clock_events.get().on == timezone.localdate()
    assert case.due_on - timezone.localdate() >= dt.timedelta(days=5)

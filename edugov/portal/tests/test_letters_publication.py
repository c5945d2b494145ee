"""Redaction and publication of letters' questions and answers (PUB-8; BEYOND A.10)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.letters import do_publish_letter, suggested_publication
from edugov.portal.redaction import redact
from edugov.portal.testing.letters import replied_letter


def test_redaction_removes_id_numbers_phones_emails_and_names():
    text = (
        "我叫王小明，身份证65010219900101123X，手机 139-1234-5678，"
        "座机0991-4567890，邮箱 wxm@163.com。王小明的孩子"
    )
    result = redact(text, names=["王小明"])
    for gone in ("65010219900101123X", "139-1234-5678", "0991-4567890", "wxm@163.com", "王小明"):
        assert gone not in result
    assert "孩子" in result
    assert redact(result, names=["王小明"]) == result


def test_redaction_leaves_ordinary_numbers():
    assert redact("2026年共收费1200元，学号2165000001") == "2026年共收费1200元，学号2165000001"


@pytest.mark.django_db
def test_publication_is_redacted_and_needs_consent(client, tree, sites):
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    case = replied_letter(sites.kashgar, handler)
    question, answer = suggested_publication(case)
    for gone in ("张三", "650102199001011234", "13912345678", "zs@example.com"):
        assert gone not in question
    assert "0998-2821234" not in answer
    # Staff edits are redacted again on the way in.
    letter = do_publish_letter(case, acting_user=handler, question=question + " 13800001111", answer=answer)
    assert "13800001111" not in letter.published_question
    listing = client.get(reverse("portal_public:letters_published"), HTTP_HOST="ks.test")
    assert listing.status_code == 200
    detail = client.get(reverse("portal_public:letter_published", args=[letter.pk]), HTTP_HOST="ks.test")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "已责令学校退还费用" in body
    assert "张三" not in body
    # Other sites do not list it.
    assert (
        client.get(
            reverse("portal_public:letter_published", args=[letter.pk]), HTTP_HOST="jyt.test"
        ).status_code
        == 404
    )

    no_consent = replied_letter(sites.kashgar, handler, consent_publish=False)
    with pytest.raises(ValidationError) as error:
        do_publish_letter(no_consent, acting_user=handler, question="q", answer="a")
    assert error.value.code == "no_consent"

"""The portal in four languages: RTL shells, translation status, Chinese fallback (PUB-10, A.9)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from wagtail.models import Locale

from edugov.portal.models import ArticlePage, PageTranslation, TranslationStatus
from edugov.portal.testing.fixtures import PROVINCE_HOST, URUMQI_HOST
from edugov.portal.testing.translations import build_translated_site, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(sites):
    return build_translated_site(sites.province)


def get(client, url, host=PROVINCE_HOST, **extra):
    response = client.get(url, HTTP_HOST=host, **extra)
    return response, response.content.decode()


def html_attrs(text):
    return re.search(r"<html lang=\"([^\"]+)\" dir=\"(\w+)\">", text).groups()


@pytest.mark.parametrize(
    ("prefix", "lang", "direction", "skip_link"),
    [
        ("/", "zh-hans", "ltr", None),
        ("/ug/", "ug", "rtl", "ئاساسلىق مەزمۇنغا ئاتلاش"),
        ("/ky-arab/", "ky-arab", "rtl", "نەگىزگى مازمۇنعا ۅتۉۉ"),
        ("/en/", "en", "ltr", "Skip to main content"),
    ],
)
def test_each_language_has_its_shell(client, built, prefix, lang, direction, skip_link):
    response, text = get(client, prefix)
    assert response.status_code == 200
    assert html_attrs(text) == (lang, direction)
    if direction == "rtl":
        assert "bootstrap.rtl.min.css" in text
    if skip_link:
        assert skip_link in text
    # the footer's citizen services stay in the visitor's language
    services = "/services/" if prefix == "/" else f"{prefix}services/"
    assert f'href="{services}letters/mailbox/"' in text
    assert f'href="{services}cases/lookup/"' in text


def test_translated_pages_use_the_translated_titles_and_navigation(client, built):
    response, text = get(client, "/ug/")
    assert response.status_code == 200
    ug = built.translations["ug"]
    assert f">{ug['home'].title}</a>" in text  # site name = translated home title
    assert f'href="/ug/news/">{ug["section"].title}</a>' in text  # navigation in Uyghur
    assert ug["article"].title in text  # latest news of the Uyghur edition
    assert "新学年开学工作顺利开展" not in text


def test_language_links_point_to_the_page_in_each_language(client, built):
    _, text = get(client, "/ug/news/new-term/")
    links = dict(re.findall(r'href="([^"]+)" lang="[^"]+" hreflang="([^"]+)"', text))
    assert {v: k for k, v in links.items()} == {
        "zh-hans": "/news/new-term/",
        "ug": "/ug/news/new-term/",
        "ky-arab": "/ky-arab/news/new-term/",
        "en": "/en/news/new-term/",  # no English translation: the Chinese page under /en/
    }
    assert 'aria-current="true" data-language="ug"' in text


def test_translation_banner_shows_status_and_links_the_chinese_original(client, built):
    ug_article = built.translations["ug"]["article"]
    record = PageTranslation.objects.get(page=ug_article)  # made when the page was copied
    record.status = TranslationStatus.REVIEWED
    record.save()
    _, text = get(client, "/ug/news/new-term/")
    assert 'data-translation-kind="translation" data-translation-status="reviewed"' in text
    assert "بۇ بەت تەرجىمە (ھالىتى: تەكشۈرۈلگەن تەرجىمە). خەنزۇچە نۇسخىسى ئاساس قىلىنىدۇ." in text
    assert 'href="/news/new-term/" hreflang="zh-hans"' in text
    assert "data-translation-outdated" not in text


def test_banner_says_outdated_after_the_source_is_published_again(client, built):
    ug_article = built.translations["ug"]["article"]
    assert PageTranslation.objects.get(page=ug_article).is_outdated is False
    source = ArticlePage.objects.get(pk=built.article.pk)
    source.summary = "更新后的摘要。"
    publish(source)
    assert PageTranslation.objects.get(page=ug_article).is_outdated is True
    _, text = get(client, "/ug/news/new-term/")
    assert "data-translation-outdated" in text
    assert "ئەسلى تېكىست يېڭىلاندى" in text
    # the Kyrgyz translation is outdated too, and says so in Kyrgyz
    _, text = get(client, "/ky-arab/news/new-term/")
    assert "قوتورمو ەسكىرگەن بولۇشۇ مۉمكۉن" in text


def test_untranslated_page_falls_back_to_chinese_with_a_banner(client, built):
    response, text = get(client, "/ug/news/aid-notice/")
    assert response.status_code == 200
    assert html_attrs(text) == ("ug", "rtl")  # interface in Uyghur
    assert 'data-translation-kind="fallback"' in text
    assert '<h1 lang="zh-hans" dir="ltr">关于做好秋季学期学生资助工作的通知</h1>' in text
    # English has no tree at all: the Chinese tree is served under /en/, with the banner
    response, text = get(client, "/en/news/aid-notice/")
    assert response.status_code == 200
    assert "This page is not yet available in this language." in text


def test_fallback_never_serves_missing_or_unpublished_pages(client, built):
    draft = ArticlePage.objects.get(pk=built.other_article.pk)
    draft.unpublish()
    assert get(client, "/ug/news/aid-notice/")[0].status_code == 404
    assert get(client, "/ug/news/no-such-page/")[0].status_code == 404
    assert get(client, "/news/aid-notice/")[0].status_code == 404


def test_fallback_stays_on_the_requested_site(client, built, sites):
    # wlmq.test has no such page; the province's page must not leak through the fallback
    assert get(client, "/ug/news/aid-notice/", host=URUMQI_HOST)[0].status_code == 404


def test_chinese_page_in_chinese_has_no_banner(client, built):
    _, text = get(client, "/news/new-term/")
    assert "portal-translation-notice" not in text


def test_copy_for_translation_records_a_draft_of_the_source_revision(built):
    ky_article = built.translations["ky-arab"]["article"]
    record = PageTranslation.objects.get(page=ky_article)
    assert record.status == TranslationStatus.DRAFT
    assert record.translated_from_revision == ArticlePage.objects.get(pk=built.article.pk).latest_revision_id
    assert not PageTranslation.objects.filter(page=built.article).exists()  # sources carry no row


def test_home_lists_newest_articles_and_section_pages_twenty_a_page(client, sites):
    from edugov.portal.models import SectionPage

    home = sites.province.site.root_page.specific
    section = home.add_child(instance=SectionPage(title="通知公告", slug="notices"))
    publish(section)
    for day in range(1, 26):
        page = section.add_child(
            instance=ArticlePage(title=f"第{day:02d}号通知", slug=f"n{day}", date=datetime.date(2026, 3, day))
        )
        publish(page)
    _, text = get(client, "/")
    assert text.index("第25号通知") < text.index("第24号通知")  # newest first
    _, first = get(client, "/notices/")
    assert first.count('class="portal-article-list') == 1
    assert "第25号通知" in first
    assert "第05号通知" not in first
    _, second = get(client, "/notices/?page=2")
    assert "第05号通知" in second
    assert "第06号通知" not in second
    assert 'aria-current="page">2<' in second


def test_portal_pages_are_deterministic(client, built):
    first = get(client, "/ug/news/new-term/")[1]
    client.get("/accounts/login/")  # a session and CSRF cookie must not change the page
    second = get(client, "/ug/news/new-term/")[1]
    assert first == second
    assert "csrfmiddlewaretoken" not in first
    assert "nonce" not in first


def test_workspace_stays_chinese_or_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ug"
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "zh-hans"
    assert html_attrs(response.content.decode())[1] == "ltr"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/accounts/login/")["Content-Language"] == "en"
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    response = client.get("/accounts/login/", headers={"accept-language": "ky-arab,ug;q=0.9"})
    assert response["Content-Language"] == "zh-hans"
    response = client.get("/accounts/login/", headers={"accept-language": "en"})
    assert response["Content-Language"] == "en"


def test_portal_language_comes_from_the_address_only(client, built):
    """Cached public pages must not vary with the visitor's cookie or browser language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url, lang in (
        ("/", "zh-hans"),
        ("/news/new-term/", "zh-hans"),
        ("/ug/", "ug"),
        ("/services/", "zh-hans"),
    ):
        response = client.get(url, HTTP_HOST=PROVINCE_HOST, headers={"accept-language": "en"})
        assert response["Content-Language"] == lang, url


def test_workspace_language_switcher_offers_only_workspace_languages(client):
    text = client.get("/").content.decode()  # the platform landing page (no portal site here)
    options = re.findall(r'<option value="([^"]+)"', text)
    assert options == ["zh-hans", "en"]


def test_large_font_toggle_and_landmarks_are_on_every_page(client, built):
    for url in ("/ug/", "/ug/news/", "/ug/news/new-term/", "/en/news/aid-notice/"):
        _, text = get(client, url)
        assert text.count("<h1") == 1, url
        assert 'aria-pressed="false" data-portal-font-toggle' in text
        assert '<main id="main"' in text
        assert 'href="#main"' in text
        assert '<label class="visually-hidden" for="portal-q">' in text


def test_ky_arab_is_right_to_left_for_django_too():
    from django.utils import translation

    with translation.override("ky-arab"):
        assert translation.get_language_bidi() is True
    assert Locale.objects.filter(language_code="ky-arab").exists()


def test_article_images_have_alt_text_and_attachments_say_type_and_size(client, sites):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "#336699").save(buffer, format="PNG")
    image = get_image_model()(
        title="校门", file=ContentFile(buffer.getvalue(), "gate.png"), collection=sites.province.collection
    )
    image.save()
    document = get_document_model()(
        title="招生简章",
        file=ContentFile(b"%PDF-1.4\n" + b"0" * 2048, "rules.pdf"),
        collection=sites.province.collection,
    )
    document.save()
    home = sites.province.site.root_page.specific
    article = home.add_child(
        instance=ArticlePage(
            title="招生工作",
            slug="admissions",
            date=datetime.date(2026, 5, 1),
            body=[("image", image), ("document", document)],
        )
    )
    publish(article)
    response, text = get(client, "/admissions/")
    assert response.status_code == 200
    assert re.search(r'<img[^>]+alt="校门"', text)
    assert re.search(r'<a href="[^"]+rules[^"]*\.pdf" download>招生简章</a>', text)
    assert "(PDF, 2.0\xa0KB)" in text

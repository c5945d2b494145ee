"""Test content for the portal's languages: a Chinese section and article with translations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

# What the Uyghur and Kyrgyz editions call the things (titles only: bodies stay short).
TITLES = {
    "ug": {
        "home": "ئاپتونوم رايونلۇق مائارىپ نازارىتى",
        "section": "خەۋەرلەر",
        "article": "يېڭى ئوقۇش يىلى باشلاندى",
    },
    "ky-arab": {
        "home": "اپتونوم رايوندۇق بىلىم بەرۉۉ باشقارماسى",
        "section": "جاڭىلىقتار",
        "article": "جاڭى وقۇۇ جىلى باشتالدى",
    },
}


@dataclass
class TranslatedSite:
    home: Any
    section: Any
    article: Any
    other_article: Any  # Chinese only: reached in other languages through the fallback
    translations: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # lang -> {"home", "section", "article"}


def publish(page: Any) -> Any:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def build_translated_site(portal_site: Any, languages: tuple[str, ...] = ("ug", "ky-arab")) -> TranslatedSite:
    """A section "新闻动态" with two articles under the site's home; home, section and the first
    article copied (Wagtail's copy_for_translation) into ``languages`` and published."""
    from wagtail.models import Locale

    from edugov.portal.models import ArticlePage, SectionPage

    home = portal_site.site.root_page.specific
    section = home.add_child(instance=SectionPage(title="新闻动态", slug="news"))
    publish(section)
    article = section.add_child(
        instance=ArticlePage(
            title="新学年开学工作顺利开展",
            slug="new-term",
            date=datetime.date(2026, 9, 1),
            source="教育厅办公室",
            summary="全区各级各类学校按期开学。",
            body=[("paragraph", "<p>全区各级各类学校按期开学，秩序良好。</p>")],
        )
    )
    publish(article)
    other = section.add_child(
        instance=ArticlePage(
            title="关于做好秋季学期学生资助工作的通知",
            slug="aid-notice",
            kind="notice",
            date=datetime.date(2026, 8, 20),
            body=[("paragraph", "<p>各地教育局：请做好学生资助工作。</p>")],
        )
    )
    publish(other)
    result = TranslatedSite(home=home, section=section, article=article, other_article=other)
    for language in languages:
        locale = Locale.objects.get(language_code=language)
        pages = {}
        for key, source in (("home", home), ("section", section), ("article", article)):
            copy = source.copy_for_translation(locale).specific
            copy.title = TITLES[language][key]
            publish(copy)
            pages[key] = copy
        result.translations[language] = pages
    return result

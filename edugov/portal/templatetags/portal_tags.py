"""Template tags of the public portal shell and page templates (PUB-10, PUB-12).

Everything here depends on the request's host and path and on the pages only, never on
the visitor: portal pages are cached and hashed for tamper checks.

* ``{% portal_context as portal %}``: site, site_name, home_url, nav (list of NavItem),
  languages (list of translation.LanguageLink), search_url, services (footer links).
* ``{% portal_path "letters/mailbox/" %}``: a /services/ address in the current language.
* ``{% portal_url page %}``: a Chinese-tree page's address in the current language
  (its translation, or the Chinese page under the language prefix).
* ``{% translation_notice page as notice %}``: the translation / fallback banner's data.
* ``{% page_lang_attrs page %}``: ``lang``/``dir`` attributes for content whose language
  differs from the interface (Chinese shown as a fallback).
* ``{% latest_articles page kinds="news" limit=6 as items %}``,
  ``{% section_articles page request as page_obj %}`` (20 a page), ``{% subsections page as children %}``.
* ``{% workspace_languages as languages %}``: language info for the staff-side switcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from edugov.portal import translation as portal_translation
from edugov.portal.sites import current_portal_site, current_site

register = template.Library()

ARTICLES_PER_PAGE = 20

# Citizen services linked from every page (other areas build the pages themselves).
SERVICE_LINKS = [
    ("letters/mailbox/", _("Director's mailbox"), "mailbox"),  # 领导信箱
    ("letters/consultation/", _("Consultation"), "consultation"),  # 咨询
    ("letters/complaint/", _("Complaints and reports"), "complaint"),  # 投诉举报
    ("disclosure/apply/", _("Information disclosure on request"), "disclosure"),  # 依申请公开
    ("cases/lookup/", _("Track my request"), "lookup"),  # 办件查询
    ("schools/", _("School directory"), "schools"),  # 学校名录
]


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    lang: str  # language of the title ("" when it is the interface language)


@dataclass(frozen=True)
class ServiceLink:
    key: str
    title: str
    url: str


def services_url(relative: str = "") -> str:
    """``/services/<relative>`` in the current language (``/ug/services/…``)."""
    try:
        base = reverse("portal_public:index")
    except NoReverseMatch:
        base = "/services/"
    return base + relative


def search_url() -> str:
    try:
        return reverse("portal_public:search")
    except NoReverseMatch:
        return services_url("search/")


def _nav(site: Any, request: Any) -> list[NavItem]:
    from edugov.portal.models import SectionPage

    if site is None:
        return []
    language = portal_translation.current_language()
    sections = list(
        SectionPage.objects.child_of(site.root_page).live().public().select_related("locale").order_by("path")
    )
    translations = portal_translation.live_translations(sections, language)
    items = []
    for section in sections:
        translated = (
            section
            if section.locale.language_code == language
            else translations.get((section.translation_key, language))
        )
        localized = translated or section
        lang = "" if localized.locale.language_code == language else localized.locale.language_code
        items.append(
            NavItem(
                title=localized.title,
                url=portal_translation.page_url_in_language(
                    section, language, site, request, translated=translated
                ),
                lang=lang,
            )
        )
    return items


@register.simple_tag(takes_context=True)
def portal_context(context: Any) -> dict[str, Any]:
    """The site the page is served for: name, home, navigation, languages (no per-user data)."""
    request = context.get("request")
    language = portal_translation.current_language()
    cache_key = f"_portal_context_{language}"
    if request is not None and hasattr(request, cache_key):
        return getattr(request, cache_key)
    portal_site = current_portal_site(request) if request is not None else None
    site = current_site(request) if request is not None else None
    name = portal_site.organization.name if portal_site else (site.site_name if site else "")
    name_lang = ""
    if site is not None and language != portal_translation.default_language():
        # The Chinese edition is the site's own tree: no lookup of a translated home page.
        localized_root = site.root_page.localized
        if localized_root.pk != site.root_page_id:
            name = localized_root.title
        else:
            name_lang = portal_translation.default_language()
    page = context.get("page")
    if page is not None and not hasattr(page, "translation_key"):
        page = None
    result = {
        "site": site,
        "portal_site": portal_site,
        "site_name": name,
        "site_name_lang": name_lang,
        "home_url": portal_translation.language_home_url(language),
        "nav": _nav(site, request),
        "languages": portal_translation.language_links(request, page, site),
        "search_url": search_url(),
        "services": [ServiceLink(key, str(title), services_url(path)) for path, title, key in SERVICE_LINKS],
    }
    if request is not None:
        setattr(request, cache_key, result)
    return result


@register.simple_tag
def portal_path(relative: str = "") -> str:
    return services_url(relative)


@register.simple_tag(takes_context=True)
def portal_url(context: Any, page: Any) -> str:
    request = context.get("request")
    site = current_site(request) if request is not None else None
    return portal_translation.localized_page_url(page, site, request)


@register.simple_tag(takes_context=True)
def translation_notice(context: Any, page: Any) -> Any:
    return portal_translation.translation_notice(page, context.get("request"))


@register.simple_tag
def page_lang_attrs(page: Any) -> SafeString:
    """`` lang="zh-hans" dir="ltr"`` when ``page`` is not in the interface language, else ""."""
    code = page.locale.language_code
    if code == portal_translation.current_language():
        return mark_safe("")  # noqa: S308 - constant
    return format_html(' lang="{}" dir="{}"', code, portal_translation.language_direction(code))


@register.simple_tag
def latest_articles(page: Any, kinds: str = "", limit: int = 6) -> list[Any]:
    """Newest live articles below ``page`` (in its locale), optionally of some kinds."""
    from edugov.portal.models import ArticlePage

    qs = ArticlePage.objects.live().public().descendant_of(page).filter(locale_id=page.locale_id)
    if kinds:
        qs = qs.filter(kind__in=[k.strip() for k in kinds.split(",") if k.strip()])
    return list(qs.order_by("-date", "-pk")[: int(limit)])


@register.simple_tag
def section_articles(page: Any, request: Any) -> PaginatorPage:
    """The section's articles, newest first, 20 a page (``?page=N``)."""
    from edugov.portal.models import ArticlePage

    qs = ArticlePage.objects.live().public().child_of(page).order_by("-date", "-pk")
    number = request.GET.get("page", 1) if request is not None else 1
    return Paginator(qs, ARTICLES_PER_PAGE).get_page(number)


@register.simple_tag
def subsections(page: Any) -> list[Any]:
    from edugov.portal.models import SectionPage

    return list(SectionPage.objects.live().public().child_of(page).order_by("path"))


@register.simple_tag
def workspace_languages() -> list[dict[str, Any]]:
    """Language info of the staff side's languages (``EDUGOV_WORKSPACE_LANGUAGES``)."""
    return [get_language_info(code) for code in settings.EDUGOV_WORKSPACE_LANGUAGES]


@register.filter
def file_type(document: Any) -> str:
    """``PDF``, ``DOCX`` … from a document's file name."""
    extension = getattr(document, "file_extension", "") or ""
    return extension.upper()

"""The portal in four languages: page addresses per language, fallback to Chinese, translation notices.

Chinese (``settings.LANGUAGE_CODE``) is the official language of record (PUB-10, BEYOND A.9).
Pages are translated by copying a Chinese page into another locale (Wagtail's
simple_translation); a page that has no translation in the requested language is served
in Chinese under that language's prefix, with the interface in the requested language and a
banner saying so ("fallback"). Everything here depends on the request path and the pages
only, never on the visitor: portal pages are cached and hashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language_info

SERVE_URL_NAME = "wagtail_serve"


def default_language() -> str:
    return settings.LANGUAGE_CODE


def current_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def language_direction(code: str) -> str:
    return "rtl" if get_language_info(code)["bidi"] else "ltr"


def root_path_for(page: Any, site: Any) -> str | None:
    """``page``'s path below the site root (``"news/item/"``), if it is in the site's Chinese tree."""
    if site is None:
        return None
    root = site.root_page
    if not page.url_path.startswith(root.url_path):
        return None
    return page.url_path[len(root.url_path) :]


def serve_url(relative_path: str, language: str) -> str:
    """The portal address of a tree path in ``language`` (``/ug/news/item/``)."""
    with translation.override(language):
        try:
            return reverse(SERVE_URL_NAME, args=(relative_path,))
        except NoReverseMatch:
            return "/"


def language_home_url(language: str) -> str:
    return serve_url("", language)


_LOOK_UP = object()


def live_translations(pages: Any, language: str | None = None) -> dict[tuple[Any, str], Any]:
    """Live pages sharing a translation key with ``pages``, by (translation key, language):
    one query for a whole navigation bar or language menu."""
    from wagtail.models import Page

    keys = {page.translation_key for page in pages}
    if not keys:
        return {}
    found = Page.objects.live().filter(translation_key__in=keys).select_related("locale")
    if language is not None:
        found = found.filter(locale__language_code=language)
    return {(p.translation_key, p.locale.language_code): p for p in found}


def page_url_in_language(
    page: Any,
    language: str,
    site: Any,
    request: HttpRequest | None = None,
    translated: Any = _LOOK_UP,
) -> str:
    """Where ``page`` is read in ``language``.

    Its live translation in that language if there is one; otherwise the Chinese page under
    that language's prefix (served with a fallback banner); otherwise that language's home.
    Callers that looked the translation up already (``live_translations``) pass it as
    ``translated`` (None when there is none).
    """
    if page.locale.language_code == language:
        return page.get_url(request) or language_home_url(language)
    if translated is _LOOK_UP:
        translated = (
            page.get_translations(inclusive=True)
            .live()
            .filter(locale__language_code=language)
            .only("pk")
            .first()
        )
    if translated is not None:
        return translated.specific_deferred.get_url(request) or language_home_url(language)
    source = page if page.locale.language_code == default_language() else _default_locale_page(page)
    relative = root_path_for(source, site) if source is not None else None
    if relative is None:
        return language_home_url(language)
    return serve_url(relative, language)


def localized_page_url(page: Any, site: Any, request: HttpRequest | None = None) -> str:
    """Address of a (Chinese-tree) page for the current language: translation or fallback."""
    return page_url_in_language(page, current_language(), site, request)


def _default_locale_page(page: Any) -> Any:
    from wagtail.models import Page

    return (
        Page.objects.filter(translation_key=page.translation_key, locale__language_code=default_language())
        .live()
        .first()
    )


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # the language's own name (ئۇيغۇرچە, English …)
    url: str
    direction: str
    is_current: bool


def language_links(request: HttpRequest | None, page: Any = None, site: Any = None) -> list[LanguageLink]:
    """One link per portal language to the current page (or view) in that language."""
    active = current_language()
    translations = live_translations([page]) if page is not None else {}
    links = []
    for code, _name in settings.LANGUAGES:
        if page is not None:
            translated = translations.get((page.translation_key, code))
            url = page_url_in_language(page, code, site, request, translated=translated)
        elif request is not None:
            url = translate_url(request.path, code)
            if url == request.path and code != active:
                url = language_home_url(code)
        else:
            url = language_home_url(code)
        info = get_language_info(code)
        links.append(
            LanguageLink(
                code=code,
                name=info["name_local"],
                url=url,
                direction="rtl" if info["bidi"] else "ltr",
                is_current=code == active,
            )
        )
    return links


@dataclass(frozen=True)
class TranslationNotice:
    """What the banner on a page says about its language."""

    kind: str  # "translation" (a translated page) or "fallback" (Chinese shown for another language)
    status: str = ""  # TranslationStatus value, "" when unknown
    status_label: str = ""
    is_outdated: bool = False
    source_url: str = ""


def translation_notice(page: Any, request: HttpRequest | None = None) -> TranslationNotice | None:
    """The banner for ``page`` served in the current language, or None (a Chinese page in Chinese)."""
    from edugov.portal.models.translation import PageTranslation, TranslationStatus, source_page

    language = page.locale.language_code
    if language == default_language():
        if current_language() != default_language():
            return TranslationNotice(kind="fallback")
        return None
    record = PageTranslation.objects.filter(page_id=page.pk).first()
    source = record.source if record is not None else source_page(page)
    source_url = ""
    if source is not None and source.live:
        source_url = source.specific_deferred.get_url(request) or ""
    if record is None:
        return TranslationNotice(kind="translation", source_url=source_url)
    return TranslationNotice(
        kind="translation",
        status=record.status,
        status_label=str(TranslationStatus(record.status).label),
        is_outdated=record.is_outdated,
        source_url=source_url,
    )


def serve_fallback(request: HttpRequest, path: str) -> HttpResponse | None:
    """Serve the Chinese page at ``path`` for a language whose tree lacks it, or None.

    Runs Wagtail's serving hooks (view restrictions, …) exactly like ``wagtail.views.serve``.
    """
    from wagtail import hooks

    from edugov.portal.sites import current_site

    site = current_site(request)
    if site is None:
        return None
    root = site.root_page.specific
    if root.locale.language_code != default_language():
        return None
    try:
        page, args, kwargs = root.route(request, [c for c in path.split("/") if c])
    except Http404:
        return None

    def serve_chain(page: Any, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponse:
        return page.serve(request, *args, **kwargs)

    chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    response = chain(page, request, args, kwargs)
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response = response.render()
    return response

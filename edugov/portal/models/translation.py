"""Translation status of a translated portal page (PUB-10, BEYOND A.9).

Chinese is the official language of record: every page in another locale is a translation
of the Chinese page with the same ``translation_key``. The row hangs off the translated
page (never the source) and says how far the translation can be trusted and from which
published revision of the source it was made.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationStatus(models.TextChoices):
    MACHINE = "machine", _("Machine translation")  # 机器翻译
    DRAFT = "draft", _("Draft translation")  # 初译
    REVIEWED = "reviewed", _("Reviewed translation")  # 已审校
    OFFICIAL = "official", _("Official translation")  # 正式译本


def source_page(page: Any) -> Any:
    """The page in the language of record (Chinese) that ``page`` translates, or None."""
    from wagtail.models import Locale, Page

    try:
        default = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    except Locale.DoesNotExist:
        return None
    if page.locale_id == default.pk:
        return None
    return Page.objects.filter(translation_key=page.translation_key, locale=default).first()


class PageTranslation(models.Model):
    """How trustworthy a translated page is, and which source revision it was made from."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="portal_translation",
        verbose_name=_("translated page"),
    )
    status = models.CharField(
        _("translation status"),
        max_length=16,
        choices=TranslationStatus.choices,
        default=TranslationStatus.DRAFT,
    )
    # Revision ids grow monotonically, so a newer published source revision is a larger id.
    translated_from_revision = models.BigIntegerField(
        _("source revision translated"),
        null=True,
        blank=True,
        help_text=_("The source page's latest revision when the translation was made or last checked."),
    )
    translator = models.CharField(_("translator"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("page translation")
        verbose_name_plural = _("page translations")

    def __str__(self) -> str:
        return f"{self.page_id}: {self.status}"

    @property
    def source(self) -> Any:
        if not hasattr(self, "_source"):
            self._source = source_page(self.page)
        return self._source

    @property
    def is_outdated(self) -> bool:
        """True when the source has a published revision newer than the one translated."""
        source = self.source
        if source is None or source.live_revision_id is None:
            return False
        if self.translated_from_revision is None:
            return True
        return source.live_revision_id > self.translated_from_revision

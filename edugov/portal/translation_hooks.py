"""Wagtail wiring for page translations: status rows on copy, the CMS status page and its button."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.models import Page
from wagtail.signals import copy_for_translation_done


@receiver(copy_for_translation_done, dispatch_uid="edugov_portal_translation_copy")
def record_copy(sender: Any, source_obj: Any, target_obj: Any, **kwargs: Any) -> None:
    if isinstance(target_obj, Page):
        from edugov.portal.actions.translation import record_translation_copy

        record_translation_copy(source_obj, target_obj)


@hooks.register("register_admin_urls")
def translation_admin_urls() -> list[Any]:
    from edugov.portal.views.translation_admin import translation_status

    return [path("portal/translation/<int:page_id>/", translation_status, name="portal_translation_status")]


@hooks.register("register_page_header_buttons")
def translation_status_button(page: Any, user: Any, view_name: str, next_url: str | None = None) -> Any:
    if page.locale.language_code == settings.LANGUAGE_CODE or page.is_root():
        return
    if not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Translation status"),
        reverse("portal_translation_status", args=[page.pk]),
        icon_name="globe",
        priority=80,
    )

"""The CMS form of every portal page type: images and attachments come from the page's own site.

Wagtail's image and document choosers list only the editor's own collections (see
``wagtail_hooks``), but the submitted form carries bare ids, and Wagtail accepts any id that
exists. An editor who posts another site's image or document id — in a body block, or as a
``document-link`` in rich text — would publish another site's file on their own site. The form
refuses it, and answers as if the file did not exist (BEYOND A.8, PUB-2). Content crosses sites
only by syndication: what the stored page already refers to (a syndicated copy's source
media) stays allowed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page


def site_collection_path_of(page: Page | None) -> str | None:
    """The collection path of the portal site whose tree (in any language) holds ``page``."""
    from edugov.portal.models import PortalSite

    if page is None or not page.pk:
        return None
    keys = Page.objects.ancestor_of(page, inclusive=True).values_list("translation_key", flat=True)
    portal_site = (
        PortalSite.objects.filter(site__root_page__translation_key__in=list(keys))
        .select_related("collection")
        .first()
    )
    return portal_site.collection.path if portal_site else None


def referenced_media(model: type[Model], values: dict[str, Any]) -> dict[type[Model], set[str]]:
    """Image and document ids that the field ``values`` of a ``model`` page refer to."""
    media: dict[type[Model], set[str]] = {get_image_model(): set(), get_document_model(): set()}
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # form-only fields
            continue
        if value is None or not hasattr(field, "extract_references"):
            continue
        for to_model, object_id, _model_path, _content_path in field.extract_references(value):
            for media_model, ids in media.items():
                if issubclass(to_model, media_model):
                    ids.add(str(object_id))
    return media


def stored_media(page: Page) -> dict[type[Model], set[str]]:
    """What the saved page and its latest revision already refer to: a syndicated copy keeps
    its source's images and documents (accepted by a reviewer, with provenance), and editing
    the copy must not lose them."""
    media: dict[type[Model], set[str]] = {get_image_model(): set(), get_document_model(): set()}
    stored = type(page).objects.filter(pk=page.pk).first()
    revision = stored.get_latest_revision_as_object() if stored is not None else None
    for version in (stored, revision):
        if version is None:
            continue
        values = {f.name: f.value_from_object(version) for f in type(page)._meta.concrete_fields}
        for media_model, ids in referenced_media(type(page), values).items():
            media[media_model] |= ids
    return media


def foreign_media(
    model: type[Model],
    values: dict[str, Any],
    collection_path: str,
    already: dict[type[Model], set[str]] | None = None,
) -> list[str]:
    """The referenced image and document ids that are neither in the site's collection tree nor
    ``already`` referenced by the stored page."""
    foreign: list[str] = []
    for media_model, ids in referenced_media(model, values).items():
        ids = ids - (already or {}).get(media_model, set())
        if not ids:
            continue
        own = {
            str(pk)
            for pk in media_model.objects.filter(
                pk__in=[i for i in ids if i.isdigit()], collection__path__startswith=collection_path
            ).values_list("pk", flat=True)
        }
        foreign.extend(sorted(ids - own))
    return foreign


class PortalPageForm(WagtailAdminPageForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        page = self.instance if self.instance.pk else self.parent_page
        collection_path = site_collection_path_of(page)
        if collection_path is None:
            return cleaned
        already = stored_media(self.instance) if self.instance.pk else None
        if foreign_media(type(self.instance), cleaned, collection_path, already):
            self.add_error(
                None,
                _(
                    "An image or attachment chosen on this page does not exist. Choose it again "
                    "from this site's images and documents."
                ),
            )
        return cleaned

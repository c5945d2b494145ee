"""Personal API tokens: a bearer token that acts with its owner's grants, within its scopes.

Each token is a django-oauth-toolkit ``AccessToken`` issued directly to the user, under
an ``Application`` of its own that carries the token's name (the application's id is
what registry lineage records as the source of an API change). The application's
client secret is random and thrown away, so no further token can be minted from it.

The token is shown once: with ``COMPLIANT_BCP_RFC9700_TOKEN_STORAGE`` only its SHA-256
checksum is stored. Creating and revoking are audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.models import AccessToken, Application, set_token_value
from oauth2_provider.settings import oauth2_settings

from edugov.core.audit import log_event, register_event_labels

TOKEN_CREATED = "api.token_created"  # noqa: S105 - an event name
TOKEN_REVOKED = "api.token_revoked"  # noqa: S105 - an event name
MAX_DAYS = 365
register_event_labels(
    {TOKEN_CREATED: gettext_lazy("API token created"), TOKEN_REVOKED: gettext_lazy("API token revoked")}
)
#: Prefix of every personal token, so a leaked one is recognisable in logs and scanners.
TOKEN_PREFIX = "edg_"  # noqa: S105 - not a secret


def available_scopes() -> dict[str, str]:
    return dict(oauth2_settings.SCOPES)


def personal_applications(user: Any) -> Any:
    """The user's personal-token applications (client credentials, owned by the user)."""
    return Application.objects.filter(
        user=user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )


def do_create_api_token(
    user: Any, *, name: str, scopes: list[str] | tuple[str, ...], days: int, acting_user: Any
) -> tuple[AccessToken, str]:
    """Issue a personal token; returns the token row and the raw value (shown once, never stored)."""
    if acting_user is None or acting_user.pk != user.pk or not user.is_active:
        raise PermissionDenied(_("You can only create API tokens for yourself."))
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the token a name that says where it is used.")
    known = available_scopes()
    scopes = sorted(set(scopes))
    if not scopes or any(scope not in known for scope in scopes):
        errors["scopes"] = _("Choose at least one of the offered scopes.")
    if not 1 <= int(days) <= MAX_DAYS:
        errors["days"] = _("A token lasts between 1 and %(max)d days.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=int(days))
    with transaction.atomic():
        application = Application.objects.create(
            user=user,
            name=name[:255],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secrets.token_urlsafe(48),
            redirect_uris="",
        )
        token = AccessToken(user=user, application=application, scope=" ".join(scopes), expires=expires)
        set_token_value(token, raw)
        token.save()
        log_event(
            TOKEN_CREATED,
            acting_user=acting_user,
            target=application,
            extra={"application_id": application.pk, "scopes": scopes, "expires": expires.isoformat()},
        )
    return token, raw


def do_revoke_api_token(application: Application, *, acting_user: Any) -> None:
    """Revoke a personal token at once (its application and every token under it go)."""
    if acting_user is None or application.user_id != acting_user.pk:
        raise PermissionDenied(_("You can only revoke your own API tokens."))
    with transaction.atomic():
        log_event(
            TOKEN_REVOKED,
            acting_user=acting_user,
            target=application,
            extra={"application_id": application.pk},
        )
        AccessToken.objects.filter(application=application).delete()
        application.delete()

"""Base classes of the REST API: scoped viewsets, token scopes, pagination, domain errors.

Every endpoint reads through ``Model.objects.restrict(user, action)`` and fetches by id
through an ``access_*()`` helper, exactly like the HTML views, so the API shows a caller
nothing the workspace would not. Callers authenticate in one of two ways:

* a **session** (the signed-in workspace user, CSRF-checked on writes) acts with the
  user's grants;
* a **bearer token** (django-oauth-toolkit) acts with the grants of the token's owner,
  and additionally needs the token's scope: the view's ``read_scope`` for safe methods,
  its ``write_scope`` for everything else.

Platform code must not import domain code at module load; apps give the scopes, the
model and the access helper as class attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings


class ApiPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most ``max_page_size``)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def is_token_request(request: Request) -> bool:
    """Whether the caller presented an OAuth2 bearer token (not a session)."""
    return request.auth is not None and hasattr(request.auth, "scope")


class TokenScopeOrSession(TokenHasScope):
    """Signed-in session users pass; token users also need the scope the method requires.

    What either may then see or change is decided by their grants (``restrict`` and the
    actions), never by this class.
    """

    message = "Your access token does not carry the scope this request needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.is_active:
            # A token outlives a deactivation; the account does not.
            raise exceptions.AuthenticationFailed()
        if not is_token_request(request):
            return True
        return super().has_permission(request, view)

    def get_scopes(self, request: Request, view: Any) -> list[str]:
        if request.method in SAFE_METHODS:
            return [view.read_scope]
        return [view.write_scope]


def source_ref(request: Request) -> str:
    """What lineage records as the API client: the application, the token, or the session."""
    if is_token_request(request):
        token = request.auth
        if token.application_id:
            return f"oauth-app:{token.application_id}"
        return f"oauth-token:{token.pk}"
    return f"session:{request.user.pk}"


def django_validation_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ``ValidationError`` as DRF field errors: ``{field: [message, …]}``."""
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in error.messages]}


class ScopedViewSetMixin:
    """Lists through ``model.objects.restrict(user, action)``; objects through ``access``.

    Subclasses set ``model``, ``access`` (``staticmethod(access_x)``: ``(user, pk, *,
    action) -> object`` raising Http404), ``read_scope`` and ``write_scope``.
    ``permission_actions`` maps a viewset action to the grant action it needs.
    Domain errors are turned into responses by ``domain_error_response``.
    """

    model: ClassVar[type[models.Model]]
    access: ClassVar[Callable[..., Any]]
    read_scope: ClassVar[str]
    write_scope: ClassVar[str]
    permission_actions: ClassVar[dict[str, str]] = {
        "list": "view",
        "retrieve": "view",
        "create": "add",
        "update": "change",
        "partial_update": "change",
    }
    permission_classes = [TokenScopeOrSession]
    pagination_class = ApiPagination

    request: Request
    kwargs: dict[str, Any]
    action: str | None
    lookup_field: str
    lookup_url_kwarg: str | None

    def grant_action(self) -> str:
        return self.permission_actions.get(self.action or "", "view")

    def restricted(self, action: str | None = None) -> models.QuerySet:
        return self.model.objects.restrict(self.request.user, action or self.grant_action())

    def get_queryset(self) -> models.QuerySet:
        return self.restricted()

    def get_object(self) -> Any:
        pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = type(self).access(self.request.user, pk, action=self.grant_action())
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj

    def domain_error_response(self, exc: Exception) -> Any:
        """A response for a domain error, or None to let DRF handle ``exc``."""
        return None

    def handle_exception(self, exc: Exception) -> Any:
        response = self.domain_error_response(exc)
        if response is not None:
            return response
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(django_validation_detail(exc))
        return super().handle_exception(exc)  # type: ignore[misc]


def platform_endpoints_only(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """drf-spectacular hook: document the platform's /api/ endpoints, not Wagtail's admin JSON views."""
    return [e for e in endpoints if e[0].startswith("/api/") and not e[0].startswith("/api/portal/")]

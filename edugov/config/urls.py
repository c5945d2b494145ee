from django.urls import include, path

from edugov.core.views import public

urlpatterns = [
    path("", include(("edugov.core.urls.public", "public"))),
    path("workspace/", include(("edugov.core.urls.workspace", "workspace"))),
    path("registry/", include("edugov.registry.urls")),
    path("office/", include("edugov.office.urls")),
    path("api/", include("edugov.registry.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", public.healthz, name="healthz"),
]

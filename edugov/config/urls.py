from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from edugov.core.views import public
from edugov.portal.views import public as portal_public

urlpatterns = [
    # "/" is the host's portal home page (or the plain landing page where no site is set up).
    path("", include(([path("", portal_public.home, name="home")], "public"))),
    path("workspace/", include(("edugov.core.urls.workspace", "workspace"))),
    path("registry/", include("edugov.registry.urls")),
    path("office/", include("edugov.office.urls")),
    path("portal/", include("edugov.portal.urls.workspace")),
    path("api/portal/v2/", include(("edugov.portal.api", "portal_api"))),
    path("api/", include("edugov.registry.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", public.healthz, name="healthz"),
    # Wagtail: the editors' admin and document downloads (both site-isolated, see portal.isolation).
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# The public portal in its four languages: Chinese unprefixed, /ug/, /ky-arab/, /en/.
urlpatterns += i18n_patterns(
    path("services/", include("edugov.portal.urls.public")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

"""Staff pages of disclosure requests (included in namespace ``portal``, under /portal/disclosure/)."""

from django.urls import path

from edugov.portal.views import disclosure_requests as views

urlpatterns = [
    path("disclosure/", views.staff_list, name="disclosure_list"),
    path("disclosure/<int:case_id>/", views.staff_detail, name="disclosure_detail"),
    path("disclosure/<int:case_id>/accept/", views.staff_accept, name="disclosure_accept"),
    path(
        "disclosure/<int:case_id>/correction/", views.staff_request_correction, name="disclosure_correction"
    ),
    path(
        "disclosure/<int:case_id>/close-no-correction/",
        views.staff_close_no_correction,
        name="disclosure_close_no_correction",
    ),
    path("disclosure/<int:case_id>/consult/", views.staff_consult, name="disclosure_consult"),
    path("disclosure/<int:case_id>/opinion/", views.staff_opinion, name="disclosure_opinion"),
    path("disclosure/<int:case_id>/extension/", views.staff_request_extension, name="disclosure_extension"),
    path(
        "disclosure/<int:case_id>/extension/decide/",
        views.staff_decide_extension,
        name="disclosure_extension_decide",
    ),
    path("disclosure/<int:case_id>/reply/", views.staff_reply, name="disclosure_reply"),
]

"""Public pages of citizen accounts and disclosure requests (included in ``portal_public``)."""

from django.urls import path

from edugov.portal.views import citizens, disclosure_requests

urlpatterns = [
    path("account/", citizens.my_cases, name="account"),
    path("account/register/", citizens.register, name="account_register"),
    path("disclosure/apply/", disclosure_requests.apply, name="disclosure_apply"),
    path("disclosure/<str:token>/submitted/", disclosure_requests.submitted, name="disclosure_submitted"),
    path("disclosure/<str:token>/correct/", disclosure_requests.correct, name="disclosure_correct"),
]

"""REST API of the registry (``/api/``), with its OpenAPI document (``/api/schema/``)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from edugov.registry.api.records import (
    AssetViewSet,
    BuildingViewSet,
    FinanceRecordViewSet,
    SchoolProfileViewSet,
    StaffMemberViewSet,
)
from edugov.registry.api.students import StudentViewSet
from edugov.registry.api.transfers import TransferViewSet

app_name = "api"

router = SimpleRouter()
router.register("registry/students", StudentViewSet, basename="student")
router.register("registry/staff", StaffMemberViewSet, basename="staffmember")
router.register("registry/buildings", BuildingViewSet, basename="building")
router.register("registry/assets", AssetViewSet, basename="asset")
router.register("registry/finance", FinanceRecordViewSet, basename="financerecord")
router.register("registry/schools", SchoolProfileViewSet, basename="schoolprofile")
router.register("registry/transfers", TransferViewSet, basename="transfer")

urlpatterns = [
    # JSON by default; YAML with ?format=yaml or Accept: application/vnd.oai.openapi.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]

"""Staff, buildings, assets, finance and school profiles over the API.

Each is a record of one unit (``organization``). Lists and reads are scoped by the
record's ``registry.<model>.view`` grants; writes go through the record actions.
Staff identity is masked (``id_masked``) everywhere in the API.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.registry.access import (
    access_asset,
    access_building,
    access_finance_record,
    access_school_profile,
    access_staff_member,
)
from edugov.registry.api.base import RegistryViewSetMixin, int_param, parse_since, unit_for
from edugov.registry.api.students import SchoolRefSerializer
from edugov.registry.choices import Source
from edugov.registry.models import Asset, Building, FinanceRecord, SchoolProfile, StaffMember

RECORD_META = ("created_at", "created_source", "updated_at")


class StaffMemberSerializer(serializers.ModelSerializer):
    organization = SchoolRefSerializer(read_only=True)

    class Meta:
        model = StaffMember
        fields = (
            "id",
            "organization",
            "name",
            "id_type",
            "id_masked",
            "sex",
            "ethnicity",
            "birth_date",
            "nationality",
            "staff_number",
            "post",
            "subject",
            "professional_title",
            "qualification_cert_number",
            "education_level",
            "employed_from",
            "employed_until",
            "phone",
            "weekly_lessons",
            *RECORD_META,
        )
        read_only_fields = fields


class StaffMemberWriteSerializer(serializers.ModelSerializer):
    """Fields of a staff member; ``id_number`` is written (encrypted), never read back."""

    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)

    class Meta:
        model = StaffMember
        fields = (
            "name",
            "id_type",
            "id_number",
            "sex",
            "ethnicity",
            "birth_date",
            "nationality",
            "staff_number",
            "post",
            "subject",
            "professional_title",
            "qualification_cert_number",
            "education_level",
            "employed_from",
            "employed_until",
            "phone",
            "weekly_lessons",
        )


class BuildingSerializer(serializers.ModelSerializer):
    organization = SchoolRefSerializer(read_only=True)

    class Meta:
        model = Building
        fields = (
            "id",
            "organization",
            "code",
            "name",
            "building_type",
            "floor_area",
            "floors",
            "year_built",
            "structure",
            "safety_rating",
            "safety_assessed_on",
            "use",
            *RECORD_META,
        )
        read_only_fields = ("id", "organization", *RECORD_META)


class AssetSerializer(serializers.ModelSerializer):
    organization = SchoolRefSerializer(read_only=True)
    building = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Asset
        fields = (
            "id",
            "organization",
            "asset_number",
            "name",
            "category",
            "quantity",
            "unit_value",
            "location",
            "building",
            "acquired_on",
            "status",
            *RECORD_META,
        )
        read_only_fields = ("id", "organization", "building", *RECORD_META)


class FinanceRecordSerializer(serializers.ModelSerializer):
    organization = SchoolRefSerializer(read_only=True)

    class Meta:
        model = FinanceRecord
        fields = ("id", "organization", "year", "direction", "category", "amount", "note", *RECORD_META)
        read_only_fields = ("id", "organization", *RECORD_META)


class SchoolProfileSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="organization_id", read_only=True)
    organization = SchoolRefSerializer(read_only=True)

    class Meta:
        model = SchoolProfile
        fields = (
            "id",
            "organization",
            "address",
            "postal_code",
            "founding_year",
            "stages",
            "grades",
            "boarding",
            "area_served",
            "site_area",
            "phone",
            *RECORD_META,
        )
        read_only_fields = ("id", "organization", *RECORD_META)


def _unit_parameter(description: str = "Id of the unit the records belong to.") -> OpenApiParameter:
    return OpenApiParameter("unit", OpenApiTypes.INT, description=description)


SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description="Only records changed since then."
)


class RecordViewSet(
    RegistryViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A unit's records: list, read, create (``unit`` in the body) and change (PATCH)."""

    write_serializer_class: ClassVar[type[serializers.Serializer] | None] = None
    ordering: ClassVar[tuple[str, ...]] = ("organization_id", "pk")
    # Query parameters that filter by a field exactly: {parameter: field}.
    exact_filters: ClassVar[dict[str, str]] = {}
    integer_filters: ClassVar[frozenset[str]] = frozenset()
    # The grant action that adding a record needs at its unit.
    add_action: ClassVar[str] = "add"
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in {"create", "partial_update"} and self.write_serializer_class is not None:
            return self.write_serializer_class
        return self.serializer_class

    def get_queryset(self) -> QuerySet:
        qs = self.restricted().select_related("organization").order_by(*self.ordering)
        if self.action != "list":
            return qs
        params = self.request.query_params
        if params.get("unit"):
            qs = qs.filter(organization_id=int_param(params["unit"], "unit"))
        for parameter, field in self.exact_filters.items():
            if params.get(parameter):
                value: Any = params[parameter]
                if parameter in self.integer_filters:
                    value = int_param(value, parameter)
                qs = qs.filter(**{field: value})
        if params.get("updated_since"):
            qs = qs.filter(updated_at__gte=parse_since(params["updated_since"]))
        return qs

    def read_response(self, record: Model, status_code: int = status.HTTP_200_OK) -> Response:
        record = type(self).access(self.request.user, record.pk, action="view")
        return Response(self.serializer_class(record).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from edugov.registry.actions.records import do_create_record

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit = unit_for(
            request.user,
            request.data.get("unit"),
            f"registry.{self.model._meta.model_name}.{self.add_action}",
            field="unit",
        )
        record = do_create_record(
            self.model,
            unit,
            dict(serializer.validated_data),
            acting_user=request.user,
            source=Source.API,
            source_ref=self.source_ref(),
        )
        response = self.read_response(record, status.HTTP_201_CREATED)
        response["Location"] = reverse(f"api:{self.basename}-detail", args=[record.pk])
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from edugov.registry.actions.records import do_update_record

        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        do_update_record(
            record,
            dict(serializer.validated_data),
            acting_user=request.user,
            source=Source.API,
            source_ref=self.source_ref(),
        )
        return self.read_response(record)


def _views(name: str, extra: list[OpenApiParameter]) -> Any:
    return extend_schema_view(
        list=extend_schema(summary=f"{name} in your scope", parameters=[_unit_parameter(), *extra, SINCE]),
        retrieve=extend_schema(summary=f"One of the {name.lower()}"),
        create=extend_schema(
            summary=f"Add to the {name.lower()}",
            parameters=[],
            description="Send ``unit`` (the id of the unit) with the fields.",
        ),
        partial_update=extend_schema(summary=f"Change one of the {name.lower()}"),
    )


@_views("Staff", [OpenApiParameter("post", OpenApiTypes.STR), OpenApiParameter("subject", OpenApiTypes.STR)])
class StaffMemberViewSet(RecordViewSet):
    model = StaffMember
    access = staticmethod(access_staff_member)
    serializer_class = StaffMemberSerializer
    write_serializer_class = StaffMemberWriteSerializer
    exact_filters = {"post": "post", "subject": "subject"}


@_views("Buildings", [OpenApiParameter("building_type", OpenApiTypes.STR)])
class BuildingViewSet(RecordViewSet):
    model = Building
    access = staticmethod(access_building)
    serializer_class = BuildingSerializer
    exact_filters = {"building_type": "building_type", "safety_rating": "safety_rating"}


@_views(
    "Assets", [OpenApiParameter("category", OpenApiTypes.STR), OpenApiParameter("status", OpenApiTypes.STR)]
)
class AssetViewSet(RecordViewSet):
    model = Asset
    access = staticmethod(access_asset)
    serializer_class = AssetSerializer
    exact_filters = {"category": "category", "status": "status"}


@_views(
    "Finance records",
    [OpenApiParameter("year", OpenApiTypes.INT), OpenApiParameter("direction", OpenApiTypes.STR)],
)
class FinanceRecordViewSet(RecordViewSet):
    model = FinanceRecord
    access = staticmethod(access_finance_record)
    serializer_class = FinanceRecordSerializer
    exact_filters = {"year": "year", "direction": "direction", "category": "category"}
    integer_filters = frozenset({"year"})
    add_action = "change"  # finance has no separate "add" grant
    ordering = ("organization_id", "-year", "direction", "category", "pk")


@_views("School profiles", [])
class SchoolProfileViewSet(RecordViewSet):
    model = SchoolProfile
    access = staticmethod(access_school_profile)
    serializer_class = SchoolProfileSerializer
    ordering = ("organization__path",)
    # A profile belongs to its school and is created with it: read and change only.
    http_method_names = ["get", "patch", "head", "options"]

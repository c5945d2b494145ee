"""Staff, buildings, assets, finance and school profiles over the API.

Each is a record of one unit (``organization``). Lists and reads are scoped by the
record's ``registry.<model>.view`` grants; writes go through the record actions.
Staff identity is masked (``id_masked``) everywhere in the API.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.platform.privacy import mask_phone
from edugov.registry.access import (
    access_asset,
    access_building,
    access_finance_record,
    access_school_profile,
    access_staff_member,
)
from edugov.registry.actions.records import (
    ASSET_FIELDS,
    BUILDING_FIELDS,
    FINANCE_FIELDS,
    SCHOOL_PROFILE_FIELDS,
    STAFF_FIELDS,
    can_view_staff_personal,
    do_create_record,
    do_update_record,
    do_view_staff_personal,
)
from edugov.registry.api.base import RegistryViewSetMixin, int_param, parse_since, unit_for
from edugov.registry.api.students import SchoolRefSerializer
from edugov.registry.choices import Source
from edugov.registry.models import Asset, Building, FinanceRecord, SchoolProfile, StaffMember

RECORD_META = ("created_at", "created_source", "updated_at")


def write_serializer(
    model: type[Model], fields: tuple[str, ...], *, create: bool = False, **declared: Any
) -> type:
    """A permissive input serializer: types are checked here, everything else by the action.

    No field is required and no uniqueness validator runs, so the record action reports
    every problem at once, in the caller's language, as ``{field: [message]}``.
    """
    if create:
        declared["unit"] = serializers.IntegerField(help_text="Id of the unit the record belongs to.")
        fields = ("unit", *fields)
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": fields,
            "extra_kwargs": {f: {"required": False} for f in fields if f not in declared},
            "validators": [],
        },
    )
    name = f"{model.__name__}{'Create' if create else 'Write'}Serializer"
    return type(name, (serializers.ModelSerializer,), {"Meta": meta, "__module__": __name__, **declared})


class PersonalStaffDataSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    phone = serializers.CharField()


class StaffMemberSerializer(serializers.ModelSerializer):
    organization = SchoolRefSerializer(read_only=True)
    phone_masked = serializers.SerializerMethodField()
    personal = serializers.SerializerMethodField(
        help_text="The unmasked ID number and phone; only with ?full=1 and a grant that includes staff "
        "personal data (audited). Null otherwise."
    )

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
            "phone_masked",
            "weekly_lessons",
            *RECORD_META,
            "personal",
        )
        read_only_fields = fields

    def get_phone_masked(self, staff: StaffMember) -> str:
        return mask_phone(staff.phone or "")

    @extend_schema_field(PersonalStaffDataSerializer(allow_null=True))
    def get_personal(self, staff: StaffMember) -> dict[str, Any] | None:
        personal = self.context.get("personal")
        return PersonalStaffDataSerializer(personal).data if personal else None


def _staff_declared() -> dict[str, Any]:
    return {
        "id_number": serializers.CharField(
            max_length=40, required=False, allow_blank=True, help_text="Written (encrypted), never read back."
        )
    }


def _asset_declared() -> dict[str, Any]:
    return {
        "building": serializers.CharField(
            required=False,
            allow_blank=True,
            allow_null=True,
            help_text="Number (code) of one of the unit's buildings.",
        )
    }


StaffMemberWriteSerializer = write_serializer(StaffMember, STAFF_FIELDS, **_staff_declared())
StaffMemberCreateSerializer = write_serializer(StaffMember, STAFF_FIELDS, create=True, **_staff_declared())
BuildingWriteSerializer = write_serializer(Building, BUILDING_FIELDS)
BuildingCreateSerializer = write_serializer(Building, BUILDING_FIELDS, create=True)
AssetWriteSerializer = write_serializer(Asset, ASSET_FIELDS, **_asset_declared())
AssetCreateSerializer = write_serializer(Asset, ASSET_FIELDS, create=True, **_asset_declared())
FinanceRecordWriteSerializer = write_serializer(FinanceRecord, FINANCE_FIELDS)
FinanceRecordCreateSerializer = write_serializer(FinanceRecord, FINANCE_FIELDS, create=True)
SchoolProfileWriteSerializer = write_serializer(SchoolProfile, SCHOOL_PROFILE_FIELDS)
SchoolProfileCreateSerializer = write_serializer(SchoolProfile, SCHOOL_PROFILE_FIELDS, create=True)


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
    building = serializers.CharField(
        source="building.code", read_only=True, allow_null=True, help_text="Number (code) of the building."
    )

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

    write_serializer_class: ClassVar[type[serializers.Serializer]]
    create_serializer_class: ClassVar[type[serializers.Serializer]]
    ordering: ClassVar[tuple[str, ...]] = ("organization_id", "pk")
    # Query parameters that filter by a field exactly: {parameter: field}.
    exact_filters: ClassVar[dict[str, str]] = {}
    integer_filters: ClassVar[frozenset[str]] = frozenset()
    related: ClassVar[tuple[str, ...]] = ("organization",)
    # The grant action that adding a record needs at its unit.
    add_action: ClassVar[str] = "add"
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    # A change needs the record in view; the action checks the grant for the fields sent
    # (``change`` on the unit, or the owner's grant for owned fields such as safety ratings).
    permission_actions = {**RegistryViewSetMixin.permission_actions, "partial_update": "view"}

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return self.create_serializer_class
        if self.action == "partial_update":
            return self.write_serializer_class
        return self.serializer_class

    def get_queryset(self) -> QuerySet:
        qs = self.restricted().select_related(*self.related).order_by(*self.ordering)
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
        record = self.restricted("view").select_related(*self.related).filter(pk=record.pk).first()
        if record is None:  # written, but outside what the caller may view
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.serializer_class(record).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        unit = unit_for(
            request.user,
            values.pop("unit"),
            f"registry.{self.model._meta.model_name}.{self.add_action}",
            field="unit",
        )
        record = do_create_record(
            self.model,
            unit,
            values,
            acting_user=request.user,
            source=Source.API,
            source_ref=self.source_ref(),
        )
        response = self.read_response(record, status.HTTP_201_CREATED)
        response["Location"] = reverse(f"api:{self.basename}-detail", args=[record.pk])
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if not values:
            raise exceptions.ValidationError({"non_field_errors": [_("Send at least one field to change.")]})
        do_update_record(
            record,
            values,
            acting_user=request.user,
            source=Source.API,
            source_ref=self.source_ref(),
        )
        return self.read_response(record)


def _views(name: str, read: type[serializers.Serializer], extra: list[OpenApiParameter]) -> Any:
    errors = {
        400: OpenApiResponse(description="Field errors, in the caller's language (Chinese by default)."),
        403: OpenApiResponse(
            description="No grant for this, or the fields belong to another unit (一数一源)."
        ),
    }
    return extend_schema_view(
        list=extend_schema(summary=f"{name} in your scope", parameters=[_unit_parameter(), *extra, SINCE]),
        retrieve=extend_schema(summary=f"One of the {name.lower()}"),
        create=extend_schema(summary=f"Add to the {name.lower()}", responses={201: read, **errors}),
        partial_update=extend_schema(
            summary=f"Change one of the {name.lower()}", responses={200: read, **errors}
        ),
    )


@_views(
    "Staff",
    StaffMemberSerializer,
    [OpenApiParameter("post", OpenApiTypes.STR), OpenApiParameter("subject", OpenApiTypes.STR)],
)
class StaffMemberViewSet(RecordViewSet):
    model = StaffMember
    access = staticmethod(access_staff_member)
    serializer_class = StaffMemberSerializer
    write_serializer_class = StaffMemberWriteSerializer
    create_serializer_class = StaffMemberCreateSerializer
    exact_filters = {"post": "post", "subject": "subject"}

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        staff = self.get_object()
        personal = None
        if request.query_params.get("full") in {"1", "true", "yes"} and can_view_staff_personal(
            request.user, staff
        ):
            personal = do_view_staff_personal(staff, acting_user=request.user, reason=_("API full view"))
        return Response(StaffMemberSerializer(staff, context={"personal": personal}).data)


@_views("Buildings", BuildingSerializer, [OpenApiParameter("building_type", OpenApiTypes.STR)])
class BuildingViewSet(RecordViewSet):
    model = Building
    access = staticmethod(access_building)
    serializer_class = BuildingSerializer
    write_serializer_class = BuildingWriteSerializer
    create_serializer_class = BuildingCreateSerializer
    exact_filters = {"building_type": "building_type", "safety_rating": "safety_rating"}


@_views(
    "Assets",
    AssetSerializer,
    [OpenApiParameter("category", OpenApiTypes.STR), OpenApiParameter("status", OpenApiTypes.STR)],
)
class AssetViewSet(RecordViewSet):
    model = Asset
    access = staticmethod(access_asset)
    serializer_class = AssetSerializer
    write_serializer_class = AssetWriteSerializer
    create_serializer_class = AssetCreateSerializer
    related = ("organization", "building")
    exact_filters = {"category": "category", "status": "status"}


@_views(
    "Finance records",
    FinanceRecordSerializer,
    [OpenApiParameter("year", OpenApiTypes.INT), OpenApiParameter("direction", OpenApiTypes.STR)],
)
class FinanceRecordViewSet(RecordViewSet):
    model = FinanceRecord
    access = staticmethod(access_finance_record)
    serializer_class = FinanceRecordSerializer
    write_serializer_class = FinanceRecordWriteSerializer
    create_serializer_class = FinanceRecordCreateSerializer
    exact_filters = {"year": "year", "direction": "direction", "category": "category"}
    integer_filters = frozenset({"year"})
    add_action = "change"  # finance has no separate "add" grant
    ordering = ("organization_id", "-year", "direction", "category", "pk")


@_views("School profiles", SchoolProfileSerializer, [])
class SchoolProfileViewSet(RecordViewSet):
    model = SchoolProfile
    access = staticmethod(access_school_profile)
    serializer_class = SchoolProfileSerializer
    write_serializer_class = SchoolProfileWriteSerializer
    create_serializer_class = SchoolProfileCreateSerializer
    ordering = ("organization__path",)
    add_action = "change"  # a school's profile is entered by whoever may edit it

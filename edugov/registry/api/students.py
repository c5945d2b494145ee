"""Students and their enrolments (学籍) over the API.

The list holds the *current* enrolments at schools in the caller's scope, one row per
student; the detail is the student, with the enrolments the caller may see (each
school sees its own period) and identity masked unless the caller holds
``registry.student.view_personal`` on the student's school and asks for ``?full=1``,
which is audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
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

from edugov.core.permissions.scopes import scope_q
from edugov.registry.access import access_enrolment, access_student
from edugov.registry.actions.students import (
    ENROLMENT_FIELDS,
    STUDENT_FIELDS,
    can_view_personal,
    do_enrol_student,
    do_update_enrolment,
    do_update_student,
    do_view_student_personal,
)
from edugov.registry.api.base import (
    MaskedStudentNumberField,
    RegistryViewSetMixin,
    int_param,
    parse_since,
    unit_for,
)
from edugov.registry.choices import EnrolmentState, Source
from edugov.registry.identity import id_lookup_hash, student_number_hash
from edugov.registry.models import Enrolment, GuardianLink, Student


class SchoolRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    school_code = serializers.CharField(read_only=True, allow_null=True)


class EnrolmentSerializer(serializers.ModelSerializer):
    school = SchoolRefSerializer(read_only=True)

    class Meta:
        model = Enrolment
        fields = (
            "id",
            "school",
            "grade",
            "class_name",
            "entry_date",
            "study_mode",
            "status",
            "state",
            "started_on",
            "ended_on",
            "end_reason",
        )
        read_only_fields = fields


class StudentListSerializer(serializers.ModelSerializer):
    """One row of the list: a current enrolment with its student (identity masked)."""

    id = serializers.IntegerField(source="student_id", read_only=True)
    student_number = MaskedStudentNumberField(source="student.student_number_masked")
    name = serializers.CharField(source="student.name", read_only=True)
    sex = serializers.CharField(source="student.sex", read_only=True)
    birth_date = serializers.DateField(source="student.birth_date", read_only=True)
    id_type = serializers.CharField(source="student.id_type", read_only=True)
    id_masked = serializers.CharField(source="student.id_masked", read_only=True)
    updated_at = serializers.DateTimeField(source="student.updated_at", read_only=True)
    enrolment = EnrolmentSerializer(source="*", read_only=True)

    class Meta:
        model = Enrolment
        fields = (
            "id",
            "student_number",
            "name",
            "sex",
            "birth_date",
            "id_type",
            "id_masked",
            "updated_at",
            "enrolment",
        )


class GuardianMaskedSerializer(serializers.Serializer):
    name = serializers.CharField(source="guardian.name", read_only=True)
    relation = serializers.CharField(read_only=True)
    is_primary = serializers.BooleanField(read_only=True)
    phone_masked = serializers.CharField(source="guardian.phone_masked", read_only=True)


class GuardianPersonalSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()


class PersonalDataSerializer(serializers.Serializer):
    student_number = serializers.CharField(allow_null=True)
    id_number = serializers.CharField()
    address = serializers.CharField()
    guardians = GuardianPersonalSerializer(many=True)


class StudentDetailSerializer(serializers.ModelSerializer):
    student_number = MaskedStudentNumberField(source="student_number_masked")
    enrolments = serializers.SerializerMethodField()
    guardians = GuardianMaskedSerializer(source="guardian_links", many=True, read_only=True)
    personal = serializers.SerializerMethodField(
        help_text="The unmasked ID number, address and guardian contacts; only with ?full=1 and a grant "
        "that includes students' personal data (audited). Null otherwise."
    )

    class Meta:
        model = Student
        fields = (
            "id",
            "student_number",
            "name",
            "id_type",
            "id_masked",
            "sex",
            "ethnicity",
            "birth_date",
            "nationality",
            "household_region",
            "left_behind",
            "migrant",
            "disability",
            "aid_eligible",
            "created_at",
            "created_source",
            "updated_at",
            "enrolments",
            "guardians",
            "personal",
        )
        read_only_fields = fields

    @extend_schema_field(EnrolmentSerializer(many=True))
    def get_enrolments(self, student: Student) -> list[dict[str, Any]]:
        return EnrolmentSerializer(self.context.get("enrolments", []), many=True).data

    @extend_schema_field(PersonalDataSerializer(allow_null=True))
    def get_personal(self, student: Student) -> dict[str, Any] | None:
        personal = self.context.get("personal")
        return PersonalDataSerializer(personal).data if personal else None


class GuardianInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    relation = serializers.CharField(max_length=2, help_text="Code of the family_relation table.")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StudentCreateSerializer(serializers.Serializer):
    """Enrol a person at a school. Codes are those of the national code tables."""

    school = serializers.IntegerField(help_text="Id of the school (a unit where you may enrol students).")
    name = serializers.CharField(max_length=50)
    id_type = serializers.CharField(max_length=1, required=False, default="1")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    sex = serializers.CharField(max_length=1)
    ethnicity = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    nationality = serializers.CharField(max_length=3, required=False, default="CHN")
    household_region = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    left_behind = serializers.BooleanField(required=False, default=False)
    migrant = serializers.BooleanField(required=False, default=False)
    disability = serializers.CharField(max_length=1, required=False, allow_blank=True, default="")
    grade = serializers.CharField(max_length=2)
    class_name = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    entry_date = serializers.DateField()
    study_mode = serializers.CharField(max_length=1, required=False, default="1")
    guardians = GuardianInputSerializer(many=True, required=False, default=list)


class StudentUpdateSerializer(serializers.Serializer):
    """Change student or current-enrolment fields; only the fields sent are changed."""

    name = serializers.CharField(max_length=50, required=False)
    id_type = serializers.CharField(max_length=1, required=False)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    sex = serializers.CharField(max_length=1, required=False)
    ethnicity = serializers.CharField(max_length=2, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False)
    nationality = serializers.CharField(max_length=3, required=False)
    household_region = serializers.CharField(max_length=6, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    left_behind = serializers.BooleanField(required=False)
    migrant = serializers.BooleanField(required=False)
    disability = serializers.CharField(max_length=1, required=False, allow_blank=True)
    aid_eligible = serializers.BooleanField(required=False)
    grade = serializers.CharField(max_length=2, required=False)
    class_name = serializers.CharField(max_length=20, required=False, allow_blank=True)
    entry_date = serializers.DateField(required=False)
    study_mode = serializers.CharField(max_length=1, required=False)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    same_school = serializers.BooleanField()
    student_number = serializers.CharField(allow_null=True)
    transfer = serializers.DictField(required=False, help_text="How to apply for a transfer instead.")


LIST_PARAMETERS = [
    OpenApiParameter("school", OpenApiTypes.INT, description="Id of the school."),
    OpenApiParameter("grade", OpenApiTypes.STR, description="Grade code (grade table)."),
    OpenApiParameter("class", OpenApiTypes.STR, description="Class name, exactly."),
    OpenApiParameter("status", OpenApiTypes.STR, description="Status code (student_status table)."),
    OpenApiParameter("student_number", OpenApiTypes.STR, description="Student number (学籍号), exactly."),
    OpenApiParameter(
        "id_number", OpenApiTypes.STR, description="Resident ID number, exactly (matched by keyed hash)."
    ),
    OpenApiParameter(
        "updated_since", OpenApiTypes.DATETIME, description="Only students or enrolments changed since then."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Current enrolments in your scope",
        parameters=LIST_PARAMETERS,
        responses=StudentListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="A student",
        parameters=[
            OpenApiParameter(
                "full",
                OpenApiTypes.BOOL,
                description="1: include the unmasked personal data (needs the personal-data grant; audited).",
            )
        ],
        responses=StudentDetailSerializer,
    ),
    create=extend_schema(
        summary="Enrol a student",
        request=StudentCreateSerializer,
        responses={
            201: StudentDetailSerializer,
            400: OpenApiResponse(description="Field errors, in the caller's language (Chinese by default)."),
            409: OpenApiResponse(
                ConflictSerializer, description="Already enrolled: apply for a transfer instead."
            ),
        },
    ),
    partial_update=extend_schema(
        summary="Change a student",
        request=StudentUpdateSerializer,
        responses={
            200: StudentDetailSerializer,
            403: OpenApiResponse(description="The fields belong to another unit or role (一数一源)."),
        },
    ),
)
class StudentViewSet(
    RegistryViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    model = Student
    access = staticmethod(access_student)
    serializer_class = StudentDetailSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"
    # A change needs the student in view; which fields the caller may change is decided
    # by their owners (一数一源: e.g. aid eligibility by the county bureau), in the action.
    permission_actions = {**RegistryViewSetMixin.permission_actions, "partial_update": "view"}

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "list":
            return StudentListSerializer
        if self.action == "create":
            return StudentCreateSerializer
        if self.action == "partial_update":
            return StudentUpdateSerializer
        return StudentDetailSerializer

    def get_queryset(self) -> Any:
        if self.action != "list":
            return self.restricted()
        user = self.request.user
        q = scope_q(user, "registry.student.view", field="school") if user.is_authenticated else None
        if q is None:
            return Enrolment.objects.none()
        qs = (
            Enrolment.objects.filter(q, state=EnrolmentState.ACTIVE)
            .select_related("student", "school")
            .order_by("school_id", "grade", "class_name", "pk")
        )
        return self.filter_list(qs, self.request.query_params)

    def filter_list(self, qs: Any, params: Any) -> Any:
        if params.get("school"):
            qs = qs.filter(school_id=int_param(params["school"], "school"))
        if params.get("grade"):
            qs = qs.filter(grade=params["grade"])
        if params.get("class"):
            qs = qs.filter(class_name=params["class"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("student_number"):
            qs = qs.filter(student__student_number_hash=student_number_hash(params["student_number"]) or "-")
        if params.get("id_number"):
            qs = qs.filter(student__id_hash=id_lookup_hash("1", params["id_number"]) or "-")
        if params.get("updated_since"):
            since = parse_since(params["updated_since"])
            qs = qs.filter(Q(updated_at__gte=since) | Q(student__updated_at__gte=since))
        return qs

    def _detail(self, student: Student, *, personal: dict[str, Any] | None = None) -> dict[str, Any]:
        user = self.request.user
        q = scope_q(user, "registry.student.view", field="school")
        enrolments = (
            Enrolment.objects.filter(q, student=student).select_related("school").order_by("started_on", "pk")
            if q is not None
            else Enrolment.objects.none()
        )
        student = (
            Student.objects.filter(pk=student.pk)
            .prefetch_related(
                Prefetch("guardian_links", queryset=GuardianLink.objects.select_related("guardian"))
            )
            .first()
        )
        context = {"request": self.request, "enrolments": list(enrolments), "personal": personal}
        return StudentDetailSerializer(student, context=context).data

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        student = self.get_object()
        personal = None
        if request.query_params.get("full") in {"1", "true", "yes"} and can_view_personal(
            request.user, student
        ):
            personal = do_view_student_personal(student, acting_user=request.user, reason=_("API full view"))
            personal["student_number"] = student.student_number
        return Response(self._detail(student, personal=personal))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = StudentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        school = unit_for(request.user, data.pop("school"), "registry.student.add", field="school")
        guardians = data.pop("guardians", [])
        student_values = {f: data[f] for f in STUDENT_FIELDS if f in data}
        enrolment_values = {f: data[f] for f in ENROLMENT_FIELDS if f in data}
        enrolment = do_enrol_student(
            school,
            student=student_values,
            enrolment=enrolment_values,
            guardians=[dict(g) for g in guardians],
            acting_user=request.user,
            source=Source.API,
            source_ref=self.source_ref(),
        )
        location = reverse("api:student-detail", args=[enrolment.student_id])
        return Response(
            self._detail(enrolment.student), status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        student = self.get_object()
        serializer = StudentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        student_values = {f: data[f] for f in STUDENT_FIELDS if f in data}
        enrolment_values = {f: data[f] for f in ENROLMENT_FIELDS if f in data}
        if not student_values and not enrolment_values:
            raise exceptions.ValidationError({"non_field_errors": [_("Send at least one field to change.")]})
        if student_values:
            do_update_student(
                student,
                student_values,
                acting_user=request.user,
                source=Source.API,
                source_ref=self.source_ref(),
            )
        if enrolment_values:
            current = (
                student.enrolments.filter(state=EnrolmentState.ACTIVE).values_list("pk", flat=True).first()
            )
            if current is None:
                raise exceptions.ValidationError(
                    {"grade": [_("The student has no current enrolment to change.")]}
                )
            enrolment = access_enrolment(request.user, current, action="view")
            do_update_enrolment(
                enrolment,
                enrolment_values,
                acting_user=request.user,
                source=Source.API,
                source_ref=self.source_ref(),
            )
        student.refresh_from_db()
        return Response(self._detail(student))

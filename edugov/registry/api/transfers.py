"""Transfers between schools (转学, DB-3) over the API: apply, then decide step by step.

A transfer is visible from either school and the bureaus above either. The receiving
school applies naming the student by student number or ID number (it cannot see the
student's record yet); each deciding unit approves or rejects its own step.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.registry import codes
from edugov.registry.access import access_transfer
from edugov.registry.actions.transfers import (
    do_apply_transfer,
    do_approve_transfer_step,
    do_reject_transfer_step,
    do_withdraw_transfer,
)
from edugov.registry.api.base import (
    MaskedStudentNumberField,
    RegistryViewSetMixin,
    int_param,
    parse_since,
    unit_for,
)
from edugov.registry.api.students import SchoolRefSerializer
from edugov.registry.identity import id_lookup_hash, student_number_hash
from edugov.registry.models import Student, Transfer, TransferStep


class TransferStudentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    student_number = MaskedStudentNumberField(source="student_number_masked")
    id_masked = serializers.CharField(read_only=True)


class TransferStepSerializer(serializers.ModelSerializer):
    organization = SchoolRefSerializer(read_only=True)

    class Meta:
        model = TransferStep
        fields = (
            "id",
            "order",
            "kind",
            "organization",
            "status",
            "opened_on",
            "due_on",
            "decided_at",
            "note",
        )
        read_only_fields = fields


class TransferSerializer(serializers.ModelSerializer):
    student = TransferStudentSerializer(read_only=True)
    from_school = SchoolRefSerializer(read_only=True)
    to_school = SchoolRefSerializer(read_only=True)
    steps = TransferStepSerializer(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = (
            "id",
            "student",
            "from_school",
            "to_school",
            "grade",
            "class_name",
            "reason",
            "status",
            "applied_at",
            "closed_at",
            "next_due_on",
            "steps",
        )
        read_only_fields = fields


class TransferApplySerializer(serializers.Serializer):
    """The receiving school applies. Name the student by ``student_number`` or ``id_number``."""

    student_number = serializers.CharField(max_length=19, required=False, allow_blank=True, default="")
    id_type = serializers.CharField(max_length=1, required=False, default="1")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    to_school = serializers.IntegerField(help_text="Id of the receiving school (where you may apply).")
    grade = serializers.CharField(max_length=2)
    class_name = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    reason = serializers.CharField()


class StepApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StepRejectSerializer(serializers.Serializer):
    reason = serializers.CharField()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def _student_named(data: dict[str, Any]) -> Student:
    """The student the applicant names; any student may be named (the action decides)."""
    number = (data.get("student_number") or "").strip().upper()
    student = None
    if number:
        student = Student.objects.filter(
            student_number_hash=student_number_hash(number), merged_into__isnull=True
        ).first()
    elif data.get("id_number"):
        id_hash = id_lookup_hash(data.get("id_type") or "1", data["id_number"])
        if id_hash:
            student = Student.objects.filter(id_hash=id_hash, merged_into__isnull=True).first()
    else:
        raise exceptions.ValidationError({"student_number": [_("Give the student number or the ID number.")]})
    if student is None:
        field = "student_number" if number else "id_number"
        raise exceptions.ValidationError({field: [_("No enrolled student has this number.")]})
    return student


@extend_schema_view(
    list=extend_schema(summary="Transfers into or out of schools in your scope"),
    retrieve=extend_schema(summary="A transfer with its steps"),
    create=extend_schema(
        summary="Apply for a transfer (receiving school)",
        request=TransferApplySerializer,
        responses={201: TransferSerializer, 409: OpenApiResponse(description="The transfer was refused.")},
    ),
)
class TransferViewSet(
    RegistryViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    model = Transfer
    access = staticmethod(access_transfer)
    serializer_class = TransferSerializer
    lookup_value_regex = r"\d+"
    permission_actions = {
        "list": "view",
        "retrieve": "view",
        "create": "apply",
        "approve": "approve",
        "reject": "approve",
    }

    def get_queryset(self) -> Any:
        qs = (
            self.restricted("view")
            .select_related("student", "from_school", "to_school")
            .prefetch_related(
                Prefetch(
                    "steps", queryset=TransferStep.objects.select_related("organization").order_by("order")
                )
            )
            .order_by("-applied_at", "-pk")
        )
        params = self.request.query_params
        if self.action == "list":
            if params.get("status"):
                qs = qs.filter(status=params["status"])
            if params.get("school"):
                school = int_param(params["school"], "school")
                qs = qs.filter(Q(from_school_id=school) | Q(to_school_id=school))
            if params.get("updated_since"):
                qs = qs.filter(applied_at__gte=parse_since(params["updated_since"]))
        return qs

    def _read(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        transfer = self.get_queryset().filter(pk=pk).first()
        if transfer is None:  # applied, but outside what the caller may view
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TransferSerializer(transfer).data, status=status_code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        transfer = self.get_object()
        return self._read(transfer.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TransferApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        to_school = unit_for(request.user, data["to_school"], "registry.transfer.apply", field="to_school")
        try:
            codes.check("grade", data["grade"], field_label=_("Grade"))
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"grade": error.messages}) from None
        student = _student_named(data)
        transfer = do_apply_transfer(
            student,
            to_school=to_school,
            grade=data["grade"],
            class_name=data["class_name"],
            reason=data["reason"],
            acting_user=request.user,
        )
        response = self._read(transfer.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:transfer-detail", args=[transfer.pk])
        return response

    def _step(self, pk: Any, step_id: Any) -> TransferStep:
        transfer = access_transfer(self.request.user, pk, action="approve")
        step = (
            transfer.steps.filter(pk=int_param(str(step_id), "step_id"))
            .select_related("organization")
            .first()
        )
        if step is None:
            raise exceptions.NotFound(_("Transfer step not found."))
        step.transfer = transfer
        return step

    @extend_schema(
        summary="Approve a step (the deciding unit)",
        request=StepApproveSerializer,
        responses={200: TransferSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_id>\d+)/approve")
    def approve(self, request: Request, pk: Any = None, step_id: Any = None) -> Response:
        serializer = StepApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = self._step(pk, step_id)
        do_approve_transfer_step(step, acting_user=request.user, note=serializer.validated_data["note"])
        return self._read(step.transfer_id)

    @extend_schema(
        summary="Reject a step, with the reason (the deciding unit)",
        request=StepRejectSerializer,
        responses={200: TransferSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_id>\d+)/reject")
    def reject(self, request: Request, pk: Any = None, step_id: Any = None) -> Response:
        serializer = StepRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = self._step(pk, step_id)
        do_reject_transfer_step(step, acting_user=request.user, reason=serializer.validated_data["reason"])
        return self._read(step.transfer_id)

    @extend_schema(
        summary="Withdraw the application (receiving school)",
        request=WithdrawSerializer,
        responses={200: TransferSerializer},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = access_transfer(request.user, pk, action="apply")
        do_withdraw_transfer(transfer, acting_user=request.user, reason=serializer.validated_data["reason"])
        return self._read(transfer.pk)

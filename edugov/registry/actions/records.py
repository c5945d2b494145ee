"""Writes to a unit's registry records: staff, buildings, assets, finance and school profiles.

Forms, imports and the API all call ``do_create_record`` and ``do_update_record``. Each
call checks the acting user's grant on the unit, validates every coded field against
the core code tables and the plausibility rules below, refuses fields another unit owns
(一数一源), then writes the row, its lineage and an audit entry in one transaction.
``acting_user=None`` is the system (demo data, migrations): no grant is checked.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.audit import log_event
from edugov.core.choices import OrganizationKind
from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.choices import Boarding, FinanceDirection, Source
from edugov.registry.errors import OwnershipRefused
from edugov.registry.events import RegistryEvent
from edugov.registry.identity import normalise_document
from edugov.registry.lineage import diff, record_change
from edugov.registry.models import Asset, Building, FinanceRecord, SchoolProfile, StaffMember
from edugov.registry.ownership import check_ownership, families_for, record_unit

EARLIEST_YEAR = 1800
MAX_WEEKLY_LESSONS = 60
MAX_FLOORS = 200

STAFF_FIELDS = (
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
BUILDING_FIELDS = (
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
)
ASSET_FIELDS = (
    "asset_number",
    "name",
    "category",
    "quantity",
    "unit_value",
    "location",
    "building",
    "acquired_on",
    "status",
)
FINANCE_FIELDS = ("year", "direction", "category", "amount", "note")
SCHOOL_PROFILE_FIELDS = (
    "address",
    "postal_code",
    "founding_year",
    "stages",
    "grades",
    "boarding",
    "area_served",
    "site_area",
    "phone",
)


class _Errors(dict):
    """``{field: message}``, collected so the user sees every problem at once."""

    def code(self, values: dict[str, Any], field: str, table: str, label: Any, *, required: bool) -> None:
        value = values.get(field)
        if value in (None, ""):
            if required:
                self[field] = _("%(field)s is required.") % {"field": label}
            return
        try:
            values[field] = codes.check(table, value, field_label=label)
        except ValidationError as error:
            self[field] = error.messages[0]

    def required(self, values: dict[str, Any], field: str, label: Any) -> None:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            self[field] = _("%(field)s is required.") % {"field": label}
        elif isinstance(value, str):
            values[field] = value.strip()

    def convert(self, values: dict[str, Any], field: str, label: Any, kind: Callable[[Any], Any]) -> None:
        """Turn text (from imports and the API) into the field's type; "" becomes None."""
        value = values.get(field)
        if value is None or not isinstance(value, str):
            return
        value = value.strip()
        if not value:
            values[field] = None
            return
        try:
            values[field] = kind(value)
        except (ValueError, ArithmeticError):
            self[field] = _("%(field)s: %(value)s is not a valid value.") % {"field": label, "value": value}

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _today() -> dt.date:
    return timezone.localdate()


def _integer(value: str) -> int:
    number = decimal.Decimal(value)
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _money(value: str) -> decimal.Decimal:
    number = decimal.Decimal(value.replace(",", ""))
    if not number.is_finite():
        raise ValueError(value)
    return number


def _year_plausible(errors: _Errors, values: dict[str, Any], field: str, label: Any) -> None:
    year = values.get(field)
    if year is None or field in errors:
        return
    this_year = _today().year
    if year < EARLIEST_YEAR or year > this_year:
        errors[field] = _("%(field)s must be between %(first)s and %(last)s.") % {
            "field": label,
            "first": EARLIEST_YEAR,
            "last": this_year,
        }


def _not_in_future(errors: _Errors, values: dict[str, Any], field: str, label: Any) -> None:
    value = values.get(field)
    if value is not None and field not in errors and value > _today():
        errors[field] = _("%(field)s cannot be in the future.") % {"field": label}


# --- staff ------------------------------------------------------------------------------


def clean_staff_values(values: dict[str, Any], *, organization: Any = None) -> dict[str, Any]:
    """Validate a staff member's values; adds ``id_hash`` and ``id_masked`` from the ID number."""
    cleaned = dict(values)
    errors = _Errors()
    errors.convert(cleaned, "birth_date", _("Date of birth"), dt.date.fromisoformat)
    errors.convert(cleaned, "employed_from", _("Employed from"), dt.date.fromisoformat)
    errors.convert(cleaned, "employed_until", _("Employed until"), dt.date.fromisoformat)
    errors.convert(cleaned, "weekly_lessons", _("Lessons per week"), _integer)
    errors.required(cleaned, "name", _("Name"))
    cleaned["id_type"] = cleaned.get("id_type") or "1"
    errors.code(cleaned, "id_type", "id_document_type", _("ID document type"), required=True)
    errors.code(cleaned, "sex", "sex", _("Sex"), required=True)
    errors.code(cleaned, "ethnicity", "ethnicity", _("Ethnicity"), required=False)
    cleaned["nationality"] = cleaned.get("nationality") or "CHN"
    errors.code(cleaned, "nationality", "nationality", _("Nationality"), required=True)
    errors.code(cleaned, "post", "staff_post", _("Post"), required=True)
    errors.code(cleaned, "subject", "subject", _("Subject taught"), required=False)
    errors.code(cleaned, "professional_title", "professional_title", _("Professional title"), required=False)
    errors.code(cleaned, "education_level", "education_level", _("Education"), required=False)
    _clean_staff_identity(errors, cleaned)
    _clean_staff_dates(errors, cleaned)
    lessons = cleaned.get("weekly_lessons")
    if lessons is not None and "weekly_lessons" not in errors and not 0 <= lessons <= MAX_WEEKLY_LESSONS:
        errors["weekly_lessons"] = _("Lessons per week must be between 0 and %(max)s.") % {
            "max": MAX_WEEKLY_LESSONS
        }
    errors.raise_any()
    for field in ("staff_number", "qualification_cert_number", "phone", "subject", "ethnicity"):
        cleaned[field] = (cleaned.get(field) or "").strip()
    for field in ("professional_title", "education_level"):
        cleaned[field] = cleaned.get(field) or ""
    return cleaned


def _clean_staff_identity(errors: _Errors, cleaned: dict[str, Any]) -> None:
    if not (cleaned.get("id_number") or "").strip():
        errors["id_number"] = _("ID document number is required.")
        return
    if "id_type" in errors:
        return
    try:
        identity = normalise_document(cleaned["id_type"], cleaned["id_number"])
    except ValidationError as error:
        errors["id_number"] = error.messages[0]
        return
    cleaned["id_number"], cleaned["id_type"] = identity.number, identity.id_type
    cleaned["id_hash"], cleaned["id_masked"] = identity.hash, identity.masked
    birth = cleaned.get("birth_date")
    if identity.birth_date and not birth and "birth_date" not in errors:
        cleaned["birth_date"] = birth = identity.birth_date
    if identity.birth_date and birth and birth != identity.birth_date:
        errors["birth_date"] = _("The date of birth does not match the ID number (%(date)s).") % {
            "date": identity.birth_date.isoformat()
        }
    if identity.sex and cleaned.get("sex") in {"1", "2"} and cleaned["sex"] != identity.sex:
        errors["sex"] = _("The sex does not match the ID number.")


def _clean_staff_dates(errors: _Errors, cleaned: dict[str, Any]) -> None:
    birth, start, end = cleaned.get("birth_date"), cleaned.get("employed_from"), cleaned.get("employed_until")
    if birth is None:
        errors.setdefault("birth_date", _("Date of birth is required."))
    else:
        _not_in_future(errors, cleaned, "birth_date", _("Date of birth"))
    if start is None:
        errors.setdefault("employed_from", _("The employment start date is required."))
        return
    _not_in_future(errors, cleaned, "employed_from", _("Employed from"))
    if birth is not None and "birth_date" not in errors and start <= birth:
        errors.setdefault("employed_from", _("Employment cannot start before the date of birth."))
    if end is not None and end < start:
        errors["employed_until"] = _("Employment cannot end before it starts.")


# --- buildings, assets, finance -------------------------------------------------------------


def clean_building_values(values: dict[str, Any], *, organization: Any = None) -> dict[str, Any]:
    cleaned = dict(values)
    errors = _Errors()
    errors.convert(cleaned, "floor_area", _("Floor area"), _money)
    errors.convert(cleaned, "floors", _("Floors"), _integer)
    errors.convert(cleaned, "year_built", _("Year built"), _integer)
    errors.convert(cleaned, "safety_assessed_on", _("Safety assessed on"), dt.date.fromisoformat)
    errors.required(cleaned, "code", _("Building number"))
    errors.required(cleaned, "name", _("Name"))
    errors.code(cleaned, "building_type", "building_type", _("Building type"), required=True)
    errors.code(cleaned, "structure", "building_structure", _("Structure"), required=True)
    errors.code(cleaned, "safety_rating", "building_safety", _("Safety rating"), required=False)
    area = cleaned.get("floor_area")
    if area is None:
        errors.setdefault("floor_area", _("%(field)s is required.") % {"field": _("Floor area")})
    elif "floor_area" not in errors and area <= 0:
        errors["floor_area"] = _("The floor area must be greater than 0 m².")
    floors = cleaned.get("floors")
    if floors is not None and "floors" not in errors and not 1 <= floors <= MAX_FLOORS:
        errors["floors"] = _("Floors must be between 1 and %(max)s.") % {"max": MAX_FLOORS}
    if cleaned.get("year_built") is None:
        errors.setdefault("year_built", _("%(field)s is required.") % {"field": _("Year built")})
    _year_plausible(errors, cleaned, "year_built", _("Year built"))
    _not_in_future(errors, cleaned, "safety_assessed_on", _("Safety assessed on"))
    errors.raise_any()
    cleaned["safety_rating"] = cleaned.get("safety_rating") or ""
    cleaned["use"] = (cleaned.get("use") or "").strip()
    return cleaned


def clean_asset_values(values: dict[str, Any], *, organization: Any = None) -> dict[str, Any]:
    cleaned = dict(values)
    errors = _Errors()
    errors.convert(cleaned, "quantity", _("Quantity"), _integer)
    errors.convert(cleaned, "unit_value", _("Unit value"), _money)
    errors.convert(cleaned, "acquired_on", _("Acquired on"), dt.date.fromisoformat)
    errors.required(cleaned, "asset_number", _("Asset number"))
    errors.required(cleaned, "name", _("Name"))
    errors.code(cleaned, "category", "asset_category", _("Asset category"), required=True)
    cleaned["status"] = cleaned.get("status") or "1"
    errors.code(cleaned, "status", "asset_status", _("Asset status"), required=True)
    quantity = 1 if cleaned.get("quantity") is None else cleaned["quantity"]
    cleaned["quantity"] = quantity
    if "quantity" not in errors and quantity < 1:
        errors["quantity"] = _("The quantity must be at least 1.")
    value = cleaned.get("unit_value")
    if value is None:
        errors.setdefault("unit_value", _("%(field)s is required.") % {"field": _("Unit value")})
    elif "unit_value" not in errors and value < 0:
        errors["unit_value"] = _("The value cannot be negative.")
    if cleaned.get("acquired_on") is None:
        errors.setdefault("acquired_on", _("%(field)s is required.") % {"field": _("Acquired on")})
    _not_in_future(errors, cleaned, "acquired_on", _("Acquired on"))
    _clean_asset_building(errors, cleaned, organization)
    errors.raise_any()
    cleaned["location"] = (cleaned.get("location") or "").strip()
    return cleaned


def _clean_asset_building(errors: _Errors, cleaned: dict[str, Any], organization: Any) -> None:
    building = cleaned.get("building")
    if building in (None, ""):
        cleaned["building"] = None
        return
    if not isinstance(building, Building):
        # Imports and the API name the building by its number within the unit.
        building = Building.objects.filter(organization=organization, code=str(building).strip()).first()
    if building is None or (organization is not None and building.organization_id != organization.pk):
        errors["building"] = _("The building must be one of this unit's buildings.")
        return
    cleaned["building"] = building


def clean_finance_values(values: dict[str, Any], *, organization: Any = None) -> dict[str, Any]:
    cleaned = dict(values)
    errors = _Errors()
    errors.convert(cleaned, "year", _("Year"), _integer)
    errors.convert(cleaned, "amount", _("Amount"), _money)
    direction = cleaned.get("direction")
    if direction not in FinanceDirection.values:
        errors["direction"] = _("Choose income or expenditure.")
    else:
        table = "finance_income" if direction == FinanceDirection.INCOME else "finance_expenditure"
        label = _("Income category") if direction == FinanceDirection.INCOME else _("Expenditure category")
        errors.code(cleaned, "category", table, label, required=True)
    year = cleaned.get("year")
    if year is None:
        errors.setdefault("year", _("%(field)s is required.") % {"field": _("Year")})
    elif "year" not in errors and not 1949 <= year <= _today().year + 1:
        errors["year"] = _("The year must be between %(first)s and %(last)s.") % {
            "first": 1949,
            "last": _today().year + 1,
        }
    amount = cleaned.get("amount")
    if amount is None:
        errors.setdefault("amount", _("%(field)s is required.") % {"field": _("Amount")})
    elif "amount" not in errors and amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    errors.raise_any()
    cleaned["note"] = (cleaned.get("note") or "").strip()
    return cleaned


# --- school profile --------------------------------------------------------------------------


def clean_school_profile_values(values: dict[str, Any], *, organization: Any = None) -> dict[str, Any]:
    cleaned = dict(values)
    errors = _Errors()
    errors.convert(cleaned, "founding_year", _("Year founded"), _integer)
    errors.convert(cleaned, "site_area", _("Site area"), _money)
    _year_plausible(errors, cleaned, "founding_year", _("Year founded"))
    postal = (cleaned.get("postal_code") or "").strip()
    if postal and (len(postal) != 6 or not postal.isdigit()):
        errors["postal_code"] = _("The postal code has six digits.")
    cleaned["postal_code"] = postal
    cleaned["stages"] = _code_list(errors, cleaned.get("stages"), "stages", "stage", _("Stages"))
    cleaned["grades"] = _code_list(errors, cleaned.get("grades"), "grades", "grade", _("Grades offered"))
    if "stages" not in errors and "grades" not in errors and cleaned["stages"]:
        outside = [
            g for g in cleaned["grades"] if codes.attributes("grade", g).get("stage") not in cleaned["stages"]
        ]
        if outside:
            errors["grades"] = _("Grades %(grades)s do not belong to the stages the school offers.") % {
                "grades": ", ".join(codes.label("grade", g) for g in outside)
            }
    cleaned["boarding"] = cleaned.get("boarding") or Boarding.NONE
    if cleaned["boarding"] not in Boarding.values:
        errors["boarding"] = _("Choose day school, partly boarding or boarding school.")
    area = cleaned.get("site_area")
    if area is not None and "site_area" not in errors and area <= 0:
        errors["site_area"] = _("The site area must be greater than 0 m².")
    errors.raise_any()
    for field in ("address", "area_served", "phone"):
        cleaned[field] = (cleaned.get(field) or "").strip()
    return cleaned


def _code_list(errors: _Errors, raw: Any, field: str, table: str, label: Any) -> list[str]:
    if raw in (None, ""):
        return []
    items = raw.replace("，", ",").split(",") if isinstance(raw, str) else list(raw)
    result: list[str] = []
    for item in items:
        code = str(item).strip()
        if not code or code in result:
            continue
        try:
            result.append(codes.check(table, code, field_label=label))
        except ValidationError as error:
            errors[field] = error.messages[0]
            return []
    order = list(codes.selectable(table))
    return sorted(result, key=order.index)


# --- the generic actions ---------------------------------------------------------------------


class _Spec:
    def __init__(
        self,
        fields: tuple[str, ...],
        clean: Callable[..., dict[str, Any]],
        create_action: str,
        unique: tuple[str, ...],
        unique_message: Any,
    ) -> None:
        self.fields = fields
        self.clean = clean
        self.create_action = create_action
        self.unique = unique
        self.unique_message = unique_message


SPECS: dict[type[models.Model], _Spec] = {
    StaffMember: _Spec(
        STAFF_FIELDS,
        clean_staff_values,
        "add",
        ("id_hash",),
        gettext_lazy("A staff member with this ID number is already recorded at this unit."),
    ),
    Building: _Spec(
        BUILDING_FIELDS,
        clean_building_values,
        "add",
        ("code",),
        gettext_lazy("This unit already has a building with this number."),
    ),
    Asset: _Spec(
        ASSET_FIELDS,
        clean_asset_values,
        "add",
        ("asset_number",),
        gettext_lazy("This unit already has an asset with this number."),
    ),
    # Finance and school profiles have no separate "add" grant: entering them is editing.
    FinanceRecord: _Spec(
        FINANCE_FIELDS,
        clean_finance_values,
        "change",
        ("year", "direction", "category"),
        gettext_lazy("This unit already has an amount for this year and category; edit it instead."),
    ),
    SchoolProfile: _Spec(
        SCHOOL_PROFILE_FIELDS,
        clean_school_profile_values,
        "change",
        (),
        gettext_lazy("This school already has a profile; edit it instead."),
    ),
}
_DERIVED = {StaffMember: ("id_hash", "id_masked")}


def _spec(model: type[models.Model]) -> _Spec:
    try:
        return SPECS[model]
    except KeyError:
        raise TypeError(f"{model.__name__} is not a unit record") from None


def _permission(model: type[models.Model], action: str) -> str:
    return f"registry.{model._meta.model_name}.{action}"


def _require(user: Any, permission: str, unit: Any) -> None:
    if user is not None and not has_permission(user, permission, unit):
        raise PermissionDenied(_("You may not do this for %(unit)s.") % {"unit": unit})


def _actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _check_owned(user: Any, record: Any, fields: set[str], unit: Any) -> None:
    if user is None:
        return
    try:
        check_ownership(user, record, fields)
    except OwnershipRefused as refusal:
        log_event(
            RegistryEvent.OWNERSHIP_REFUSED,
            acting_user=user,
            target=record if record.pk else None,
            organization=unit,
            success=False,
            reason=str(refusal),
            extra={"model": record._meta.label_lower, "fields": sorted(fields)},
        )
        raise


def _check_unique(
    model: type[models.Model], spec: _Spec, organization: Any, values: dict, exclude: Any
) -> None:
    if not spec.unique or any(values.get(f) in (None, "") for f in spec.unique):
        return
    clash = model.objects.filter(organization=organization, **{f: values[f] for f in spec.unique})
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        field = "id_number" if model is StaffMember else spec.unique[-1]
        raise ValidationError({field: str(spec.unique_message)})


def _kept_values(model: type[models.Model], spec: _Spec, cleaned: dict[str, Any], fields: Any) -> dict:
    keep = [f for f in spec.fields if f in fields] + list(_DERIVED.get(model, ()))
    return {f: cleaned[f] for f in keep if f in cleaned}


def do_create_record(
    model: type[models.Model],
    organization: Any,
    values: dict[str, Any],
    *,
    acting_user: Any,
    source: str = Source.FORM,
    source_ref: str = "",
) -> Any:
    """Create a staff member, building, asset, finance amount or school profile for ``organization``."""
    spec = _spec(model)
    _require(acting_user, _permission(model, spec.create_action), organization)
    if model is SchoolProfile and organization.kind != OrganizationKind.SCHOOL:
        raise ValidationError(_("Only schools have a school profile."))
    cleaned = spec.clean(values, organization=organization)
    new_values = _kept_values(model, spec, cleaned, cleaned.keys() | set(values))
    record = model(organization=organization, **new_values)
    # A new record may carry fields another unit owns (a building's safety rating): refuse those.
    foreign = {f for family in families_for(record) if family.owner != "school" for f in family.fields}
    given = {f for f, v in new_values.items() if v not in (None, "", []) and f in foreign}
    _check_owned(acting_user, record, given, organization)
    if model is SchoolProfile and SchoolProfile.objects.filter(pk=organization.pk).exists():
        raise ValidationError(str(spec.unique_message))
    _check_unique(model, spec, organization, new_values, None)
    record.created_by, record.created_source, record.created_ref = _actor(acting_user), source, source_ref
    try:
        with transaction.atomic():
            record.save(force_insert=True)
            log_event(
                RegistryEvent.RECORD_CREATED,
                acting_user=acting_user,
                target=record,
                organization=organization,
                extra={"model": model._meta.label_lower, "source": source, "source_ref": source_ref},
            )
    except IntegrityError:
        # Someone recorded the same thing at the same moment.
        raise ValidationError(str(spec.unique_message)) from None
    return record


def do_update_record(
    record: Any,
    values: dict[str, Any],
    *,
    acting_user: Any,
    source: str = Source.FORM,
    source_ref: str = "",
) -> dict[str, list[Any]]:
    """Change fields of a unit record; returns ``{field: [old, new]}`` (empty when nothing changed)."""
    model = type(record)
    spec = _spec(model)
    unit = record_unit(record)
    current = {f: getattr(record, f) for f in spec.fields}
    cleaned = spec.clean({**current, **values}, organization=unit)
    new_values = {f: cleaned[f] for f in values if f in spec.fields}
    changes = diff(record, new_values)
    if not changes:
        return {}
    owned = set().union(*(family.fields for family in families_for(record)))
    if set(changes) - owned:
        _require(acting_user, _permission(model, "change"), unit)
    _check_owned(acting_user, record, set(changes), unit)
    if model is StaffMember and ("id_number" in changes or "id_type" in changes):
        new_values.update(id_hash=cleaned["id_hash"], id_masked=cleaned["id_masked"])
    _check_unique(model, spec, unit, {**current, **new_values}, record.pk)
    try:
        with transaction.atomic():
            for field, value in new_values.items():
                setattr(record, field, value)
            record.save(update_fields=[*new_values, "updated_at"])
            record_change(
                record,
                organization=unit,
                action="update",
                changes=changes,
                source=source,
                source_ref=source_ref,
                acting_user=acting_user,
            )
            log_event(
                RegistryEvent.RECORD_CHANGED,
                acting_user=acting_user,
                target=record,
                organization=unit,
                changes=changes,
                extra={"model": model._meta.label_lower, "source": source, "source_ref": source_ref},
            )
    except IntegrityError:
        raise ValidationError(str(spec.unique_message)) from None
    return changes


# --- personal data of staff --------------------------------------------------------------------


def can_view_staff_personal(user: Any, staff: StaffMember) -> bool:
    return has_permission(user, "registry.staffmember.view_personal", staff.organization)


def do_view_staff_personal(staff: StaffMember, *, acting_user: Any, reason: str = "") -> dict[str, Any]:
    """The unmasked personal data of a staff member; every call is audited."""
    if not can_view_staff_personal(acting_user, staff):
        raise PermissionDenied(_("Your grant does not include staff personal data."))
    data = {"id_number": staff.id_number, "phone": staff.phone}
    log_event(
        RegistryEvent.PERSONAL_VIEWED,
        acting_user=acting_user,
        target=staff,
        organization=staff.organization,
        reason=reason,
        extra={"fields": ["id_number", "phone"]},
    )
    return data

"""Citizen real-name accounts (实名注册) for the public portal (PUB-3, PUB-4).

A citizen signs in with the mobile phone number as the user name, holds no memberships
and no grants, and reaches only their own cases. The ID number is checked by its digits
(GB 11643: structure, birth date, check character) and recorded as "declared"; a national
identity service (e.g. 国家网络身份认证) can later confirm it and set ``verification``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.auth.adapter import is_citizen_account
from edugov.core.crypto import lookup_hash
from edugov.core.models import User
from edugov.core.validators import parse_id_number
from edugov.platform.privacy import mask_id_number
from edugov.portal.events_disclosure import DisclosureEvent
from edugov.portal.models import CitizenProfile

PHONE_RE = re.compile(r"^1\d{10}$")


class CitizenErrorCode(StrEnum):
    ID_NUMBER_TAKEN = "id_number_taken"
    PHONE_TAKEN = "phone_taken"
    INVALID_PHONE = "invalid_phone"


def id_number_hash(normalized: str) -> str:
    return lookup_hash(normalized, kind="id")


def is_citizen(user: Any) -> bool:
    """A signed-in account with a citizen profile and no unit membership (not a staff account)."""
    return is_citizen_account(user)


def citizen_profile(user: Any) -> CitizenProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return CitizenProfile.objects.filter(user=user).first()


def _duplicate_id() -> ValidationError:
    # Says what to do without saying anything about the other account (not even its phone).
    return ValidationError(
        _(
            "An account has already been registered with this ID number. Sign in with it, or reset "
            "its password; if you did not register it, contact the unit's disclosure office."
        ),
        code=CitizenErrorCode.ID_NUMBER_TAKEN,
    )


def _phone_taken() -> ValidationError:
    return ValidationError(
        _("This mobile phone number cannot be used for a new account. If you registered before, sign in."),
        code=CitizenErrorCode.PHONE_TAKEN,
    )


def do_register_citizen(
    *, real_name: str, id_number: str, phone: str, password: str, email: str = ""
) -> User:
    """Create the citizen's account (user name = mobile phone) and real-name profile.

    Raises ``ValidationError`` (with a code) for an invalid ID number or phone, a password the
    validators refuse, an ID number or phone already registered. Nothing is written then.
    """
    parsed = parse_id_number(id_number)  # ValidationError with the GB 11643 codes
    phone = re.sub(r"\s+", "", phone or "")
    if not PHONE_RE.match(phone):
        raise ValidationError(
            _("Mobile phone: 11 digits starting with 1."), code=CitizenErrorCode.INVALID_PHONE
        )
    real_name = (real_name or "").strip()
    digest = id_number_hash(parsed.normalized)
    candidate = User(username=phone, real_name=real_name, phone=phone, email=email)
    validate_password(password, candidate)
    if CitizenProfile.objects.filter(id_number_hash=digest).exists():
        raise _duplicate_id()
    if User.objects.filter(username=phone).exists():
        raise _phone_taken()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=phone, password=password, real_name=real_name, phone=phone, email=email
            )
            profile = CitizenProfile.objects.create(
                user=user,
                id_number=parsed.normalized,
                id_number_hash=digest,
                id_number_masked=mask_id_number(parsed.normalized),
                verification="declared",
            )
            log_event(
                DisclosureEvent.CITIZEN_REGISTERED,
                acting_user=user,
                target=user,
                extra={"profile": profile.pk, "verification": profile.verification},
            )
    except IntegrityError:  # registered at the same moment by a second request
        if CitizenProfile.objects.filter(id_number_hash=digest).exists():
            raise _duplicate_id() from None
        raise _phone_taken() from None
    return user

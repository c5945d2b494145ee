from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


class OrganizationKind(models.TextChoices):
    BUREAU = "bureau", _("Education bureau")
    DEPARTMENT = "department", _("Department")
    SCHOOL = "school", _("School")


class OrganizationLevel(models.TextChoices):
    """The five levels of use (五级应用); a department shares its bureau's level."""

    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Provincial")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    SCHOOL = "school", _("School")


class RoleKind(models.TextChoices):
    """三员分立: the three operator kinds never mix with each other."""

    BUSINESS = "business", _("Business role")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")


class Jurisdiction(models.TextChoices):
    NATIONAL = "CN", _("National")
    XINJIANG = "65", _("Xinjiang Uygur Autonomous Region")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")

"""Set up an empty production node: the root unit and the three operators (三员).

    manage.py bootstrap_node --root-name 新疆维吾尔自治区教育厅 --region 650000 \
        --system-admin zhang:张伟 --security-admin li:李娜 --auditor wang:王芳

Each operator gets a one-time password (printed once) that must be changed at the
first sign-in, and must set up two-factor authentication. Running it again creates
nothing that already exists.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from edugov.core.actions.organizations import do_create_organization
from edugov.core.actions.users import do_create_user, do_reset_user_password
from edugov.core.audit import AuditEvent, log_event
from edugov.core.models import Grant, Organization, Region, Role, User

OPERATORS = (("system_admin", "system-admin"), ("security_admin", "security-admin"), ("auditor", "auditor"))


def _parse_person(value: str) -> tuple[str, str]:
    username, _, real_name = value.partition(":")
    if not username or not real_name:
        raise CommandError(f"Write people as user_name:真实姓名, got {value!r}.")
    return username, real_name


class Command(BaseCommand):
    help = "Create the root unit and the three operator accounts on an empty node."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--root-name", required=True)
        parser.add_argument("--region", required=True, help="GB/T 2260 code of the root unit's region")
        for _, option in OPERATORS:
            parser.add_argument(f"--{option}", required=True, metavar="USER:NAME")

    @transaction.atomic
    def handle(self, *args: Any, root_name: str, region: str, **options: Any) -> None:
        try:
            region_obj = Region.objects.get(code=region)
        except Region.DoesNotExist:
            raise CommandError(f"Unknown region code {region}.") from None
        root = Organization.objects.filter(depth=1).first()
        if root is None:
            root = do_create_organization(
                parent=None,
                name=root_name,
                kind="bureau",
                level=region_obj.level,
                region=region_obj,
                acting_user=None,
            )
            self.stdout.write(f"Root unit created: {root.name}")
        elif root.name != root_name:
            raise CommandError(f"This node already has a root unit: {root.name}.")
        for role_code, option in OPERATORS:
            username, real_name = _parse_person(options[option.replace("-", "_")])
            self._operator(root, Role.objects.get(code=role_code), username, real_name)

    def _operator(self, root: Organization, role: Role, username: str, real_name: str) -> None:
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"{role.name}: {username} exists, left unchanged.")
            return
        user = do_create_user(
            username=username, real_name=real_name, organization=root, acting_user=None, position=role.name
        )
        grant = Grant.objects.create(user=user, role=role, organization=root, include_descendants=True)
        log_event(
            AuditEvent.GRANT_CREATED,
            acting_user=None,
            target=grant,
            organization=root,
            extra={"grantee_user_id": user.pk, "role": role.code, "bootstrap": True},
        )
        password = do_reset_user_password(user, acting_user=None)
        self.stdout.write(f"{role.name}: {username}  one-time password: {password}")

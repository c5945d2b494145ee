import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from edugov.core.models import AuditEntry, Grant, Organization, User
from edugov.core.permissions.scopes import role_kinds

pytestmark = pytest.mark.django_db

ARGS = [
    "--root-name",
    "新疆维吾尔自治区教育厅",
    "--region",
    "650000",
    "--system-admin",
    "zhang:张伟",
    "--security-admin",
    "li:李娜",
    "--auditor",
    "wang:王芳",
]


def test_bootstrap_creates_root_and_three_separate_operators(capsys):
    call_command("bootstrap_node", *ARGS)
    out = capsys.readouterr().out
    root = Organization.objects.get(depth=1)
    assert root.name == "新疆维吾尔自治区教育厅"
    for username, kind in (("zhang", "system_admin"), ("li", "security_admin"), ("wang", "auditor")):
        user = User.objects.get(username=username)
        assert role_kinds(user) == {kind}
        assert user.password_must_change
        assert Grant.objects.get(user=user).organization == root
    assert out.count("one-time password") == 3
    assert AuditEntry.objects.filter(event_type="grant.created").count() == 3

    call_command("bootstrap_node", *ARGS)
    assert "left unchanged" in capsys.readouterr().out
    assert User.objects.count() == 3


def test_bootstrap_refuses_a_second_root():
    call_command("bootstrap_node", *ARGS)
    with pytest.raises(CommandError):
        call_command("bootstrap_node", *[a if a != "新疆维吾尔自治区教育厅" else "别的教育厅" for a in ARGS])

"""The auditor's screens: who sees which entries, filters, exports and chain verification."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from edugov.core.audit import AuditEvent, log_event
from edugov.core.models import AuditEntry, Grant, Organization, Region, Role, User
from edugov.core.views.audit import AUDIT_VERIFIED, audit_entries_for

BOM = "\ufeff".encode()


@dataclass
class Tree:
    root: Organization
    child: Organization
    other: Organization
    school: Organization


@dataclass
class Entries:
    root: AuditEntry
    child: AuditEntry
    other: AuditEntry
    school: AuditEntry
    login: AuditEntry


@pytest.fixture(autouse=True)
def _no_mfa(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EDUGOV_MFA_REQUIRED_ROLES = []


@pytest.fixture
def tree(db) -> Tree:  # type: ignore[no-untyped-def]
    region, _ = Region.objects.get_or_create(
        code="650000", defaults={"name": "新疆维吾尔自治区", "level": "province"}
    )
    root = Organization.add_root(name="教育厅", kind="bureau", level="province", region=region)
    child = root.add_child(name="乌鲁木齐市教育局", kind="bureau", level="prefecture", region=region)
    other = Organization.objects.get(pk=root.pk).add_child(
        name="克拉玛依市教育局", kind="bureau", level="prefecture", region=region
    )
    school = Organization.objects.get(pk=child.pk).add_child(
        name="乌鲁木齐市第一中学", kind="bureau", level="county", region=region
    )
    return Tree(root=root, child=child, other=other, school=school)


@pytest.fixture
def actor(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user(username="zhangsan", password="x-Passw0rd!", real_name="张三")


@pytest.fixture
def entries(tree: Tree, actor: User) -> Entries:
    return Entries(
        root=log_event(AuditEvent.ORG_CHANGED, acting_user=actor, target=tree.root, reason="rename root"),
        child=log_event(
            AuditEvent.ORG_CHANGED,
            acting_user=actor,
            target=tree.child,
            changes={"name": {"old": "旧名", "new": tree.child.name}},
            reason="child-marker",
        ),
        other=log_event(AuditEvent.ORG_CLOSED, acting_user=actor, target=tree.other, reason="other-marker"),
        school=log_event(
            AuditEvent.USER_CREATED,
            acting_user=None,
            organization=tree.school,
            username="importer",
            success=False,
        ),
        login=log_event(AuditEvent.LOGIN_FAILED, acting_user=None, username="intruder", success=False),
    )


def auditor_role() -> Role:
    role, _ = Role.objects.get_or_create(
        code="auditor",
        defaults={
            "name": "审计员",
            "kind": "auditor",
            "actions": ["core.auditentry.view", "core.auditentry.export"],
        },
    )
    return role


def make_user(username: str, org: Organization | None = None, *, descendants: bool = True) -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd!", real_name=username)
    if org is not None:
        Grant.objects.create(
            user=user, role=auditor_role(), organization=org, include_descendants=descendants
        )
    return user


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def listed_seqs(response) -> set[int]:  # type: ignore[no-untyped-def]
    """The listed entries, less the sign-in entries that ``force_login`` writes."""
    return {row[0].seq for row in response.context["rows"] if row[0].event_type != AuditEvent.LOGIN}


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def exported_seqs(response) -> set[int]:  # type: ignore[no-untyped-def]
    return {int(row[0]) for row in csv_rows(response)[1:] if row[2] != AuditEvent.LOGIN}


def urls(entries: Entries) -> dict[str, str]:
    return {
        "list": reverse("workspace:audit_list"),
        "detail": reverse("workspace:audit_detail", args=[entries.child.pk]),
        "export": reverse("workspace:audit_export") + "?format=csv",
    }


# --- The four-caller matrix ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["list", "detail", "export"], ids=["list_case", "detail_case", "export_case"]
)
class TestFourCallers:
    def test_anonymous_is_sent_to_sign_in(self, client: Client, entries: Entries, page: str) -> None:
        response = client.get(urls(entries)[page])
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert AuditEntry.objects.filter(event_type=AuditEvent.AUDIT_EXPORTED).count() == 0

    def test_signed_in_without_grant_gets_404(self, client: Client, entries: Entries, page: str) -> None:
        response = signed_in(client, make_user("nobody")).get(urls(entries)[page])
        assert response.status_code == 404
        assert b"child-marker" not in response.content
        assert AuditEntry.objects.filter(event_type=AuditEvent.AUDIT_EXPORTED).count() == 0

    def test_grant_on_another_unit_hides_this_unit(
        self, client: Client, tree: Tree, entries: Entries, page: str
    ) -> None:
        response = signed_in(client, make_user("aud-other", tree.other)).get(urls(entries)[page])
        if page == "detail":
            assert response.status_code == 404
        elif page == "list":
            assert response.status_code == 200
            assert listed_seqs(response) == {entries.other.seq}
            assert b"child-marker" not in response.content
        else:
            assert exported_seqs(response) == {entries.other.seq}

    @pytest.mark.parametrize("unit", ["child", "root"], ids=["this_unit_case", "ancestor_case"])
    def test_grant_on_this_unit_or_above_sees_it(
        self, client: Client, tree: Tree, entries: Entries, page: str, unit: str
    ) -> None:
        response = signed_in(client, make_user("aud", getattr(tree, unit))).get(urls(entries)[page])
        if page == "export":
            assert entries.child.seq in exported_seqs(response)
        else:
            assert response.status_code == 200
            assert "child-marker" in response.content.decode()


# --- Scope rules -------------------------------------------------------------------


@pytest.mark.django_db
class TestScope:
    def test_unit_auditor_sees_subtree_but_not_unitless_entries(self, tree: Tree, entries: Entries) -> None:
        user = make_user("aud-child", tree.child)
        assert set(audit_entries_for(user).values_list("seq", flat=True)) == {
            entries.child.seq,
            entries.school.seq,
        }

    def test_root_auditor_sees_everything_including_unitless_entries(
        self, tree: Tree, entries: Entries
    ) -> None:
        user = make_user("aud-root", tree.root)
        assert audit_entries_for(user).count() == 5

    def test_exact_grant_on_root_sees_only_the_root_unit(self, tree: Tree, entries: Entries) -> None:
        user = make_user("aud-exact", tree.root, descendants=False)
        assert list(audit_entries_for(user).values_list("seq", flat=True)) == [entries.root.seq]

    def test_business_role_sees_nothing(self, tree: Tree, entries: Entries) -> None:
        user = make_user("clerk")
        role, _ = Role.objects.get_or_create(
            code="bureau_staff", defaults={"name": "机关工作人员", "kind": "business", "actions": []}
        )
        Grant.objects.create(user=user, role=role, organization=tree.root, include_descendants=True)
        assert audit_entries_for(user).count() == 0

    def test_unitless_entry_detail_is_404_for_unit_auditor(
        self, client: Client, tree: Tree, entries: Entries
    ) -> None:
        client.force_login(make_user("aud-child", tree.child))
        response = client.get(reverse("workspace:audit_detail", args=[entries.login.pk]))
        assert response.status_code == 404

    def test_view_only_auditor_cannot_export(self, client: Client, tree: Tree, entries: Entries) -> None:
        role, _ = Role.objects.get_or_create(
            code="audit_reader",
            defaults={"name": "审计查阅", "kind": "auditor", "actions": ["core.auditentry.view"]},
        )
        user = make_user("reader")
        Grant.objects.create(user=user, role=role, organization=tree.root, include_descendants=True)
        client.force_login(user)
        assert client.get(reverse("workspace:audit_list")).status_code == 200
        assert client.get(reverse("workspace:audit_export")).status_code == 404
        assert AuditEntry.objects.filter(event_type=AuditEvent.AUDIT_EXPORTED).count() == 0


# --- List and detail ---------------------------------------------------------------


@pytest.fixture
def root_client(client: Client, tree: Tree) -> Client:
    return signed_in(client, make_user("aud-root", tree.root))


@pytest.mark.django_db
class TestList:
    def test_newest_first(self, root_client: Client, entries: Entries) -> None:
        response = root_client.get(reverse("workspace:audit_list"))
        seqs = [row[0].seq for row in response.context["rows"]]
        assert seqs == sorted(seqs, reverse=True)
        assert seqs == list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True))

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"event_type": AuditEvent.ORG_CHANGED.value}, {"root", "child"}),
            ({"user": "zhang"}, {"root", "child", "other"}),
            ({"user": "张"}, {"root", "child", "other"}),
            ({"success": "no"}, {"school", "login"}),
            ({"success": "yes"}, {"root", "child", "other"}),
            ({"q": "OTHER-MARK"}, {"other"}),
            ({"unit": "child"}, {"child", "school"}),
        ],
        ids=[
            "event_case",
            "username_case",
            "real_name_case",
            "failed_case",
            "ok_case",
            "text_case",
            "unit_case",
        ],
    )
    def test_filters(
        self, root_client: Client, tree: Tree, entries: Entries, query: dict[str, str], expected: set[str]
    ) -> None:
        if query.get("unit"):
            query = {"unit": str(getattr(tree, query["unit"]).pk)}
        response = root_client.get(reverse("workspace:audit_list"), query)
        assert listed_seqs(response) == {getattr(entries, name).seq for name in expected}

    def test_date_filter(self, root_client: Client, entries: Entries) -> None:
        day = entries.child.created_at.astimezone().date()
        url = reverse("workspace:audit_list")
        assert len(listed_seqs(root_client.get(url, {"date_from": day, "date_to": day}))) == 5
        assert len(listed_seqs(root_client.get(url, {"date_from": day}))) == 5
        assert listed_seqs(root_client.get(url, {"date_from": day + dt.timedelta(days=1)})) == set()
        assert (
            listed_seqs(root_client.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"})) == set()
        )

    def test_unit_filter_offers_only_units_in_scope(
        self, client: Client, tree: Tree, entries: Entries
    ) -> None:
        client.force_login(make_user("aud-child", tree.child))
        response = client.get(reverse("workspace:audit_list"), {"unit": tree.other.pk})
        assert set(response.context["form"].fields["unit"].queryset) == {tree.child, tree.school}
        assert "unit" in response.context["form"].errors
        assert listed_seqs(response) == {entries.child.seq, entries.school.seq}

    def test_paginates_by_50_without_extra_queries_per_row(
        self, root_client: Client, tree: Tree, actor: User, django_assert_max_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        units = [tree.root, tree.child, tree.other, tree.school]
        for i in range(60):
            log_event(AuditEvent.USER_CHANGED, acting_user=actor, organization=units[i % 4], reason=f"r{i}")
        with django_assert_max_num_queries(14):
            response = root_client.get(reverse("workspace:audit_list"))
        assert len(response.context["rows"]) == 50
        assert response.context["page_obj"].paginator.count == AuditEntry.objects.count()
        second = root_client.get(reverse("workspace:audit_list"), {"page": 2})
        assert len(second.context["rows"]) == AuditEntry.objects.count() - 50

    def test_detail_shows_every_field(self, root_client: Client, entries: Entries) -> None:
        response = root_client.get(reverse("workspace:audit_detail", args=[entries.child.pk]))
        html = response.content.decode()
        for value in (entries.child.prev_hash, entries.child.entry_hash, "child-marker", "zhangsan", "张三"):
            assert value in html
        assert "&quot;old&quot;: &quot;旧名&quot;" in html
        assert 'data-testid="hash-ok"' in html


# --- Export -----------------------------------------------------------------------


@pytest.mark.django_db
class TestExport:
    def test_csv_has_bom_header_and_filtered_rows(self, root_client: Client, entries: Entries) -> None:
        response = root_client.get(reverse("workspace:audit_export"), {"format": "csv", "success": "no"})
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = csv_rows(response)
        assert len(rows[0]) == 16
        assert {int(row[0]) for row in rows[1:]} == {entries.school.seq, entries.login.seq}

    def test_export_is_audited(self, root_client: Client, tree: Tree, entries: Entries) -> None:
        response = root_client.get(
            reverse("workspace:audit_export"), {"format": "csv", "unit": tree.child.pk, "page": 3}
        )
        exported = exported_seqs(response)
        record = AuditEntry.objects.get(event_type=AuditEvent.AUDIT_EXPORTED)
        assert record.acting_username == "aud-root"
        assert record.extra_data == {"filters": {"unit": tree.child.pk}, "rows": 2, "format": "csv"}
        # the export's own entry is not part of the export
        assert record.seq not in exported

    def test_xlsx_opens_with_openpyxl(self, root_client: Client, entries: Entries) -> None:
        expected = list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True))
        response = root_client.get(reverse("workspace:audit_export"), {"format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert [row[0] for row in rows[1:]] == expected
        assert rows[1 + expected.index(entries.child.seq)][11] == "child-marker"
        record = AuditEntry.objects.get(event_type=AuditEvent.AUDIT_EXPORTED)
        assert record.extra_data["format"] == "xlsx"
        assert record.extra_data["rows"] == len(expected)

    def test_formulas_are_defused(self, root_client: Client, tree: Tree, actor: User) -> None:
        log_event(AuditEvent.ORG_CHANGED, acting_user=actor, organization=tree.child, reason="=HYPERLINK(1)")
        rows = csv_rows(root_client.get(reverse("workspace:audit_export"), {"format": "csv"}))
        assert rows[1][11] == "'=HYPERLINK(1)"
        response = root_client.get(reverse("workspace:audit_export"), {"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [row[11] for row in sheet.iter_rows(min_row=2) if row[11].value]
        assert [c.value for c in cells] == ["'=HYPERLINK(1)"]
        assert cells[0].data_type != "f"

    def test_unknown_format_is_404(self, root_client: Client, entries: Entries) -> None:
        assert root_client.get(reverse("workspace:audit_export"), {"format": "pdf"}).status_code == 404


# --- Verify ------------------------------------------------------------------------


@pytest.mark.django_db
class TestVerify:
    def test_intact_chain_is_reported_and_audited(self, root_client: Client, entries: Entries) -> None:
        response = root_client.post(reverse("workspace:audit_verify"), follow=True)
        count = AuditEntry.objects.count() - 1  # less the audit.verified entry itself
        text = [str(m) for m in response.context["messages"]]
        assert any(f"Audit chain intact: {count} entries, head #{count}" in t for t in text), text
        record = AuditEntry.objects.get(event_type=AUDIT_VERIFIED)
        assert record.success is True
        assert record.extra_data["problems"] == 0

    def test_broken_chain_names_the_first_bad_entry(self, root_client: Client, entries: Entries) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE seq = %s",  # noqa: S608
                ["nothing to see", entries.other.seq],
            )
        response = root_client.post(reverse("workspace:audit_verify"), follow=True)
        errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
        assert len(errors) == 1
        assert f"#{entries.other.seq} (id {entries.other.pk})" in errors[0]
        record = AuditEntry.objects.get(event_type=AUDIT_VERIFIED)
        assert record.success is False
        assert record.extra_data["first_bad_seq"] == entries.other.seq

    def test_get_is_not_allowed(self, root_client: Client) -> None:
        assert root_client.get(reverse("workspace:audit_verify")).status_code == 405

    def test_without_grant_is_404(self, client: Client, entries: Entries) -> None:
        client.force_login(make_user("nobody"))
        assert client.post(reverse("workspace:audit_verify")).status_code == 404
        assert not AuditEntry.objects.filter(event_type=AUDIT_VERIFIED).exists()

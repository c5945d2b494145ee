"""Navigation items of the internal office (imported from OfficeConfig.ready).

Items whose URL is not installed are skipped by the navigation (NoReverseMatch).
"""

from django.utils.translation import gettext_lazy as _

from edugov.core.navigation import register_nav_item, register_nav_section
from edugov.office.todo_providers import office_task_badge

register_nav_section("office", _("Office"), 20)

register_nav_item(
    "office",
    _("My tasks 待办"),
    "office:task_list",
    permission="office.document.view",
    order=1,
    badge=office_task_badge,
)
register_nav_item("office", _("Done 已办"), "office:done_list", permission="office.document.view", order=2)
register_nav_item(
    "office", _("Outgoing documents"), "office:outgoing_list", permission="office.document.view", order=10
)
register_nav_item(
    "office", _("Draft a document"), "office:document_new", permission="office.document.add", order=11
)
register_nav_item(
    "office", _("Incoming documents"), "office:incoming_list", permission="office.document.view", order=12
)
register_nav_item("office", _("Search"), "office:search", permission="office.document.view", order=15)
register_nav_item(
    "office",
    _("Supervision 督办"),
    "office:supervision_list",
    permission="office.supervisionitem.view",
    order=20,
)
register_nav_item("office", _("Meetings"), "office:meeting_list", permission="office.meeting.view", order=30)
register_nav_item(
    "office", _("Duty rosters"), "office:roster_list", permission="office.roster.view", order=40
)
register_nav_item(
    "office", _("Archives"), "office:archive_list", permission="office.archiverecord.view", order=50
)
register_nav_item(
    "office", _("Processes"), "office:process_list", permission="office.processdefinition.view", order=60
)
register_nav_item(
    "office", _("Number series"), "office:series_list", permission="office.numberseries.view", order=61
)
register_nav_item(
    "office", _("Approvals 审批"), "office:approval_list", permission="office.document.view", order=16
)
register_nav_item(
    "office", _("Archive loans"), "office:loan_list", permission="office.archiverecord.borrow", order=51
)
register_nav_item(
    "office", _("Delegation while away"), "office:delegation_list", permission="office.document.view", order=3
)

"""Signals other apps may listen to (the office never imports them back).

``document_distributed``: an outgoing document has been distributed (核发). Sent inside the
distribution's transaction with ``document`` and ``acting_user``; receivers that write
elsewhere should do so in ``transaction.on_commit`` so a failure there cannot undo the
distribution (the portal drafts a catalogue item for documents marked 主动公开).
"""

from django.dispatch import Signal

document_distributed = Signal()

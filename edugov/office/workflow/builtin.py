"""The processes shipped with the product (``bpmn/<key>.bpmn``), deployed after ``migrate``.

A shipped file is deployed as a new version of its key when no version of that key has
its exact content yet, so a changed file becomes the newest version on the next migrate,
and an unchanged one leaves versions uploaded by administrators alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

BPMN_DIR = Path(__file__).resolve().parent / "bpmn"

# Keys the document layer relies on.
OUTGOING = "office.outgoing"
INCOMING = "office.incoming"
APPROVAL = "office.approval"


def shipped() -> dict[str, str]:
    """key → XML of every shipped definition."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(BPMN_DIR.glob("*.bpmn"))}


def deploy_builtin_processes(sender: Any = None, *, using: str = "default", **kwargs: Any) -> list[Any]:
    from edugov.office.models import ProcessDefinition
    from edugov.office.workflow import definitions, engine

    if using != "default":
        return []
    deployed = []
    for key, xml in shipped().items():
        if ProcessDefinition.objects.filter(key=key, sha256=definitions.sha256(xml)).exists():
            continue
        deployed.append(engine.deploy(key, xml, acting_user=None, builtin=True))
    return deployed

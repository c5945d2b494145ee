"""Benchmark figures for official documents (issue 4): ``python -m tools.bench_office``.

Prints ``bench <name> <value> <unit>`` lines on stdout (progress notes on stderr), like
``tools.bench``, on a throwaway SQLite database:

* ``pdf_render_first_s`` — the first rendering in the process (fontconfig and the CJK
  fonts are loaded then; later renderings reuse them).
* ``pdf_render_s`` — median of 5 renderings of a two-page GB/T 9704 document (red head,
  seal, imprint) to PDF with WeasyPrint, after one warm-up. Target < 1 s.
* ``pdf_sign_s`` — median of 5 signatures of that PDF with the unit's key (pyHanko, PAdES,
  ECDSA P-256), after one warm-up that also makes the node's keys.
* ``pdf_verify_s`` — median of 5 verifications of the signed PDF against the node's roots.

``bench_pdf_render()`` needs Django set up on a migrated database; ``tools.bench`` can call
it after its own ``bench_migrate()``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tools.bench import emit, note, setup_django, timed

REPEATS = 5
BODY = "\n".join(
    f"第{i}段：各地各校要把安全教育纳入教育教学计划，每学期开展应急疏散演练，提高师生安全意识和自救自护能力。"
    for i in range(1, 10)
)


def _unit() -> Any:
    """The benchmark's own unit (region 999900 is not used by GB/T 2260)."""
    from edugov.core.actions.organizations import do_create_organization
    from edugov.core.choices import RegionLevel
    from edugov.core.models import Organization, Region

    unit = Organization.objects.filter(name="Bench 教育厅").first()
    if unit is not None:
        return unit
    region, _ = Region.objects.get_or_create(
        code="999900", defaults={"name": "Bench office province", "level": RegionLevel.PROVINCE}
    )
    return do_create_organization(
        parent=None, name="Bench 教育厅", kind="bureau", level="province", region=region, acting_user=None
    )


def bench_document(unit: Any) -> Any:
    """An unsaved two-page notice with every GB/T 9704 element (body given separately)."""
    from edugov.office.models import Document

    return Document(
        organization=unit,
        direction="outgoing",
        doc_type="notice",
        title="关于进一步加强全区中小学校安全管理工作的通知",
        copy_number="000001",
        urgency="urgent",
        issuing_organ="新疆维吾尔自治区教育厅文件",
        doc_number="新教发〔2026〕12号",
        main_recipients="各地（州、市）教育局，兵团教育局",
        signing_organ="新疆维吾尔自治区教育厅",
        written_on=dt.date(2026, 7, 1),
        sealed=True,
        cc_recipients="教育部办公厅，自治区人民政府办公厅",
        printed_by="新疆维吾尔自治区教育厅办公室",
        printed_on=dt.date(2026, 7, 2),
    )


def bench_pdf_render(repeats: int = REPEATS) -> None:
    from edugov.office.rendering import gbt9704, pdfsign

    unit = _unit()
    document = bench_document(unit)
    seconds, layout = timed(lambda: gbt9704.render_layout(document, body_text=BODY))
    if len(layout.pages) != 2:
        raise SystemExit(f"the benchmark document has {len(layout.pages)} pages, expected 2")
    emit("pdf_render_first_s", seconds, "s")
    report = gbt9704.font_report()
    for message in report["messages"]:
        note(message)

    pdf = gbt9704.render_pdf(document, body_text=BODY)  # warm-up
    samples = []
    for _ in range(repeats):
        seconds, pdf = timed(lambda: gbt9704.render_pdf(document, body_text=BODY))
        samples.append(seconds)
    emit("pdf_render_s", statistics.median(samples), "s")
    note(f"render samples {', '.join(f'{s:.3f}' for s in samples)} s; {len(pdf) / 1024:.0f} KiB")

    signed = pdfsign.sign_pdf(pdf, unit, reason="签发")  # warm-up; makes the node's keys
    samples = []
    for _ in range(repeats):
        seconds, signed = timed(lambda: pdfsign.sign_pdf(pdf, unit, reason="签发"))
        samples.append(seconds)
    emit("pdf_sign_s", statistics.median(samples), "s")

    samples = []
    for _ in range(repeats):
        seconds, result = timed(lambda: pdfsign.verify_pdf(signed))
        if not result.valid:
            raise SystemExit(f"the signed benchmark document does not verify: {result.message}")
        samples.append(seconds)
    emit("pdf_verify_s", statistics.median(samples), "s")


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="edugov-bench-office-") as tmp:
        db_file = Path(tmp) / "bench.sqlite3"
        setup_django(db_file, Path(tmp) / "var")
        note(f"throwaway database {db_file}")
        from django.core.management import call_command
        from django.db import connections

        try:
            call_command("migrate", interactive=False, verbosity=0)
            bench_pdf_render()
        finally:
            connections.close_all()
    note(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

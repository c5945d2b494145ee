"""check_upload: attachments are accepted by content, extension and structure, never by the browser's word."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from edugov.portal.abuse import check_upload, safe_file_name

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def picture(fmt, size=(20, 10), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    return out.getvalue()


def office(main_part="word/document.xml", *, types=True, extra=(), compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as package:
        if types:
            package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(main_part, "<document/>")
        for name, data in extra:
            package.writestr(name, data)
    return out.getvalue()


def refused(file, **kwargs):
    with pytest.raises(ValidationError) as info:
        check_upload(file, **kwargs)
    assert info.value.code == "attachment_rejected"
    return info.value


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("申请.pdf", PDF, "application/pdf"),
        ("photo.jpg", picture("JPEG"), "image/jpeg"),
        ("photo.JPEG", picture("JPEG"), "image/jpeg"),
        ("scan.png", picture("PNG"), "image/png"),
        ("材料.docx", office(), DOCX_TYPES),
        ("表格.xlsx", office("xl/workbook.xml"), "application/vnd.ms-excel"),
    ],
)
def test_allowed_files_pass_with_their_digest(name, data, content_type):
    checked = check_upload(upload(name, data, content_type))
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    stem, ext = name.rsplit(".", 1)
    assert checked.name == f"{stem}.{ext.lower()}"
    assert checked.file.read() == data  # the file is left rewound for storing


def test_the_type_comes_from_the_content_not_the_browser():
    html = b"<!doctype html><html><script>alert(1)</script></html>"
    refused(upload("report.pdf", html, "application/pdf"))
    checked = check_upload(upload("scan.png", picture("PNG"), "text/html"))
    assert checked.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><body>hi</body></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
        ("archive.zip", office()),
        ("photo.jpg", picture("PNG")),  # content and extension disagree
        ("doc.docx", office("xl/workbook.xml")),  # an Excel package named .docx
        ("noext", PDF),
    ],
)
def test_other_types_and_disagreeing_extensions_are_refused(name, data):
    refused(upload(name, data))


def test_size_limit_and_empty_files():
    refused(upload("big.pdf", PDF + b"0" * 2000), max_bytes=1000)
    refused(upload("empty.pdf", b""))


def test_zip_bombs_are_refused():
    bomb = office(extra=[("word/media/zeros.bin", b"\0" * (20 * 1024 * 1024))])
    assert len(bomb) < 100_000
    error = refused(upload("bomb.docx", bomb))
    assert "bomb.docx" in error.messages[0]
    many = office(extra=[(f"word/m{n}.xml", "x") for n in range(2100)], compression=zipfile.ZIP_STORED)
    refused(upload("many.docx", many))


def test_office_files_must_be_real_packages_without_macros():
    refused(upload("macro.docx", office(extra=[("word/vbaProject.bin", b"\x00" * 100)])))
    refused(upload("notypes.docx", office(types=False)))
    refused(upload("slip.docx", office(extra=[("../../evil.txt", b"x")])))


def test_pdfs_with_scripts_or_launch_actions_are_refused():
    refused(
        upload("js.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>"))
    )
    refused(upload("launch.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /AA << /S /Launch >>")))


def test_picture_bombs_and_broken_pictures_are_refused():
    refused(upload("huge.png", picture("PNG", size=(12000, 10000), mode="1")))
    refused(upload("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100))  # PNG signature, no picture


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\申请书.PDF", "申请书.pdf"),
        ("invoice\u202egnp.exe.pdf", "invoicegnp.exe.pdf"),
        ("a\x00b\x1f<c>:d|e?.pdf", "ab_c__d_e_.pdf"),
        ("  ..hidden.pdf  ", "hidden.pdf"),
        (".pdf", "附件.pdf"),  # no name left: "attachment" in the visitor's language
        ("长" * 300 + ".pdf", "长" * 116 + ".pdf"),
    ],
)
def test_file_names_are_sanitised(raw, expected):
    with translation.override("zh-hans"):
        assert safe_file_name(raw) == expected


def test_a_spoofed_name_is_stored_sanitised():
    checked = check_upload(upload("../\u202eabc.pdf", PDF))
    assert checked.name == "abc.pdf"

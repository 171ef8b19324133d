"""Small real files of each kind for the tests of uploads (PDF, PNG, JPEG, Word), disguised ones, and
the temporary ``MEDIA_ROOT`` every test that stores files uses (import the fixture into a conftest)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Every test writes uploads under its own temporary directory, never var/media."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def pdf_bytes() -> bytes:
    """A real one-page PDF written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def docx_bytes(*, macro: bool = False) -> bytes:
    """A minimal OOXML word-processing package (what Word and LibreOffice write, reduced). The same bytes in
    every process (the entries' time fixed): they are part of test ids, which pytest-xdist's workers must
    collect identically."""
    main = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macro
        else ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml"), types)  # ZipInfo: dated 1/1/1980, not now
        archive.writestr(zipfile.ZipInfo("word/document.xml"), "<w:document/>")
        if macro:
            archive.writestr(zipfile.ZipInfo("word/vbaProject.bin"), b"\x00" * 16)
    return buffer.getvalue()


HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE_AS_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 100 + b"\xff\xd9"


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)

"""The visible signature block of a signed result.

Legal basis: Nghị định 30/2020/NĐ-CP, Phụ lục I, Phần II (thể thức văn bản điện tử): the image and the
information of an agency's digital signature on an electronic document — the agency's name and the signing
time (date; hours, minutes, seconds; Vietnam's time zone, ISO 8601), in Times New Roman, upright, size 10.
The block here reads "Ký bởi: <agency>", "Cơ quan: <agency>, Tỉnh Khánh Hòa", "Thời gian ký: <ISO 8601,
+07:00>" and the address of the public verification page, beside a QR code of that address (issue 16 item
2). Liberation Serif (metric-compatible with Times New Roman, with every Vietnamese glyph; the fonts the
project's PDFs already ship, ``cchc/common/fonts``) is embedded as a subset.

The QR code is drawn with segno (the project's QR library) as vector rectangles, instead of pyHanko's
default (which needs the ``qrcode`` package).
"""

from __future__ import annotations

import unicodedata
import zlib
from functools import lru_cache
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter, init_xobject_dictionary
from pyhanko.stamp.qr import QRPosition, QRStamp, QRStampStyle

from cchc.common.pdf import FONT_DIR

FONT_FILE = FONT_DIR / "LiberationSerif-Regular.ttf"
FONT_SIZE = 10  # NĐ 30/2020 Phụ lục I: cỡ chữ 10
BLOCK_WIDTH = 300  # points
BLOCK_HEIGHT = 84
QR_BORDER = 2  # modules of quiet zone (the block's white margin adds to it)
QR_MASK = 2  # a fixed mask (any of the eight is valid; choosing the best one costs most of segno's time)

STAMP_TEXT = "Ký bởi: %(signer)s\nCơ quan: %(organisation)s\nThời gian ký: %(at)s\nXác minh: %(short_url)s"


def _vietnamese_alphabet() -> str:
    """Printable ASCII and every Vietnamese letter (each vowel with each tone mark, both cases), đ/Đ."""
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    letters = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones} | {"đ"}
    text = "".join(sorted(letters))
    return "".join(chr(c) for c in range(32, 127)) + text + text.upper() + "–“”‘’«»…"


@lru_cache(maxsize=1)
def font_bytes() -> bytes:
    """Liberation Serif cut down once per process to the characters of Vietnamese text, at 1000 units per
    em (performance: pyHanko re-reads the font at every signature; a small font makes that cheap)."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    font = subset.load_font(str(FONT_FILE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=_vietnamese_alphabet())
    subsetter.subset(font)
    # pyHanko writes the glyph widths (/W) in font units, which PDF reads as thousandths of an em:
    # Liberation Serif has 2048 units per em, so the font is rescaled to 1000 (else every letter is
    # spaced twice too wide)
    from fontTools.ttLib.scaleUpem import scale_upem

    scale_upem(font, 1000)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def _font_stream_data() -> bytes:
    return zlib.compress(font_bytes())


class _VietnameseFontFactory(GlyphAccumulatorFactory):
    """pyHanko's OpenType font engine over :func:`font_bytes` instead of the whole TTF file, embedded as it
    is (performance: the font is already cut down to Vietnamese; pyHanko would subset and recompile it at
    every signature, most of a signature's time)."""

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        engine = GlyphAccumulator(
            writer=writer, font_handle=BytesIO(font_bytes()), font_size=self.font_size, obj_stream=obj_stream
        )
        engine._subset_created = True  # keep every glyph: the glyph ids stay those of font_bytes()
        cidfont = engine.cidfont_obj

        def set_font_file(target: BasePdfFileWriter) -> Any:
            stream = generic.StreamObject(
                {pdf_name("/Filter"): pdf_name("/FlateDecode")}, encoded_data=_font_stream_data()
            )
            ref = target.add_object(stream)
            cidfont._font_descriptor[pdf_name("/FontFile2")] = ref
            return ref

        cidfont.set_font_file = set_font_file  # type: ignore[method-assign,assignment]
        return engine


def qr_code(url: str) -> Any:
    """The QR code of ``url`` (segno; error correction M, as the receipts' and forms' codes)."""
    import segno

    return segno.make(url, error="m", micro=False, boost_error=False, mask=QR_MASK)


class SegnoQRStamp(QRStamp):
    """pyHanko's QR stamp, the code drawn from segno's matrix."""

    def _qr_xobject(self) -> tuple[Any, int]:
        code = qr_code(self.url)
        matrix = code.matrix
        n = len(matrix)
        size = n + 2 * QR_BORDER
        commands = [b"0 0 0 rg"]
        for row, line in enumerate(matrix):
            y = size - QR_BORDER - row - 1  # PDF's y axis points up
            for col, dark in enumerate(line):
                if dark:
                    commands.append(b"%d %d 1 1 re" % (col + QR_BORDER, y))
        commands.append(b"f")
        xobject = init_xobject_dictionary(b"\n".join(commands), size, size)
        xobject.compress()
        writer = self.writer
        assert writer is not None
        return writer.add_object(xobject), size


class SegnoQRStampStyle(QRStampStyle):
    def create_stamp(self, writer: BasePdfFileWriter, box: BoxConstraints, text_params: dict[str, Any]) -> QRStamp:
        url = text_params.pop("url")
        return SegnoQRStamp(writer, style=self, url=url, text_params=text_params, box=box)


@lru_cache(maxsize=1)
def stamp_style() -> SegnoQRStampStyle:
    """The block's style (one instance: the font file is parsed once per process)."""
    return SegnoQRStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(
            font=_VietnameseFontFactory(str(FONT_FILE), font_size=FONT_SIZE), leading=FONT_SIZE + 2
        ),
        border_width=1,
        qr_position=QRPosition.LEFT_OF_TEXT,
        background=None,
    )


__all__ = ["BLOCK_HEIGHT", "BLOCK_WIDTH", "STAMP_TEXT", "stamp_style"]

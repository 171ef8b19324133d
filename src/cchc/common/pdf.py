"""HTML to PDF with WeasyPrint and the shipped Liberation Serif 2 fonts (see ``fonts/README.md``), for every
document the platform prints: the one-stop-shop forms (``cchc.dossiers.documents``) and the consolidated
reform report (``cchc.reporting.documents``).

legal: NĐ 30/2020/NĐ-CP Phụ lục I requires Times New Roman (Unicode, TCVN 6909:2001); Liberation Serif
has the same metrics and a free licence (SIL OFL 1.1), and its version 2 covers all of Vietnamese.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

# The family name given to the shipped fonts in @font-face: no system font has it, so a missing file
# fails loudly instead of falling back to whatever serif the machine has.
FONT_FAMILY = "CCHC Liberation Serif"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


def font_face_css() -> str:
    """@font-face rules that load the shipped TTFs by absolute file URL."""
    rules = []
    for (weight, style), name in FONT_FILES.items():
        url = (FONT_DIR / name).as_uri()
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}") format("truetype"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render the Django ``template`` with ``context`` (plus the font CSS) and lay it out as PDF bytes."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template, {**context, "font_face_css": font_face_css(), "font_family": FONT_FAMILY})
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(FONT_DIR)).render(font_config=fonts)
    return bytes(document.write_pdf())

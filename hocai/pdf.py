"""PDF documents with correct Vietnamese typography (Be Vietnam Pro, embedded)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FAMILY = "BeVietnamPro"


def font_dir() -> Path:
    import fontpkg_be_vietnam_pro

    return Path(fontpkg_be_vietnam_pro.__file__).parent / "files"


def new_pdf(title: str, orientation: str = "P", page_format: str | tuple = "A4") -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format=page_format)
    pdf.set_title(title)
    pdf.set_creator("hocai")
    for style, file in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font(FAMILY, style, str(font_dir() / f"BeVietnamPro-{file}.ttf"))
    pdf.set_auto_page_break(False)
    return pdf


def centred(
    pdf: FPDF,
    text: str,
    size: float,
    style: str = "",
    y: float | None = None,
    colour: tuple[int, int, int] = (17, 17, 17),
) -> None:
    """One centred line of text; ``y`` moves to an absolute height first."""
    if y is not None:
        pdf.set_y(y)
    pdf.set_font(FAMILY, style, size)
    pdf.set_text_color(*colour)
    pdf.cell(0, size * 0.6, text, align="C", new_x="LMARGIN", new_y="NEXT")

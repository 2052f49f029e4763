"""Build briefing.docx, the docxtpl template of the weekly briefing and the annual report.

Run `python core/documents/templates/build_briefing_template.py` after changing it and commit both files.
Every word of the document comes from the context (i18n), so one template serves both languages; the layout
follows UX.md (A4, 公文 margins 37/35/28/26 mm, serif CJK title, body 16 pt).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

SERIF = "Noto Serif CJK SC"  # where 方正小标宋 is absent
SANS = "Noto Sans CJK SC"  # headings, in place of 黑体
OUT = Path(__file__).with_name("briefing.docx")


def _font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a style's or run's Latin and East Asian font."""
    target.font.name = name
    if size:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    r_pr = target.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), name)


def _para(doc, text: str, *, font: str = SERIF, size: float = 16, bold=False, center=False, after=6):
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(after)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font, size, bold)
    return p


def build() -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _font(doc.styles["Normal"], SERIF, 16)
    _font(doc.styles["Table Grid"], SANS, 10.5)

    _para(doc, "{{ doc_number }}", size=14, center=True)
    _para(doc, "{{ title }}", size=22, bold=True, center=True, after=12)
    _para(doc, "{{ issuer }}　{{ issued_on }}", size=14, center=True)
    _para(doc, "{{ period_line }}", size=12, after=12)
    _para(doc, "{%p for s in sections %}")
    _para(doc, "{%p if s.new_page %}")
    brk = _para(doc, "", size=2, after=0)  # a page break; what is left of its line is 2 pt high
    brk.runs[0].add_break(WD_BREAK.PAGE)
    _para(doc, "{%p endif %}")
    _para(
        doc, "{{ s.heading }}", font=SANS, size=16, bold=True, after=4
    ).paragraph_format.keep_with_next = True
    _para(doc, "{%p for line in s.lines %}")
    _para(doc, "{{ line }}", size=14)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if s.table %}")
    _para(doc, "{{p s.table }}", size=10.5)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p for c in s.charts %}")
    _para(doc, "{{ c.image }}", center=True, after=0).paragraph_format.keep_with_next = True
    _para(doc, "{{ c.caption }}", font=SANS, size=10.5, center=True, after=10)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{{ footnote }}", size=10.5)
    doc.save(OUT)


if __name__ == "__main__":
    build()
    print(OUT)

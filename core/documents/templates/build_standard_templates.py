"""Build the docxtpl templates of the standard documents (规范文书), one .docx per kind.

Run `python core/documents/templates/build_standard_templates.py` after changing it and commit the files.
Every word comes from the context (core.documents.standard, i18n), so the templates only lay it out in 公文
style (GB/T 9704): A4, margins 37/35/28/26 mm, the title in a bold serif (for 小标宋), the body in a serif at
16 pt (三号, for 仿宋) with a two-character first-line indent, the issuer and date at the right.
The fonts are the installed Noto CJK; Word without them falls back to its own CJK serif.
"""

from __future__ import annotations

from pathlib import Path

from build_briefing_template import SANS, SERIF, _font  # the script's own folder is on sys.path
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

HERE = Path(__file__).parent
BODY = 16  # 三号
INDENT = Pt(32)  # two characters of the body size

KINDS = (
    "acceptance_notice",
    "non_acceptance_notice",
    "barred_notice",
    "forwarding",
    "assignment",
    "extension_notice",
    "reply_opinion",
    "review_opinion",
    "reexam_opinion",
    "mediation_agreement",
    "supervision_letter",
    "risk_alert",
    "improvement",
    "rectification",
    "delivery_receipt",
)
LETTERS = {"forwarding", "assignment", "supervision_letter", "risk_alert", "improvement", "rectification"}


def _para(doc, text: str, *, font=SERIF, size=BODY, bold=False, align=None, indent=False, after=0, before=0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    fmt.line_spacing = Pt(28)  # 公文: 22 lines to the page at 三号
    if indent:
        fmt.first_line_indent = INDENT
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)
    return p


def _tag(doc, text: str) -> None:
    """A docxtpl block tag ({%p ... %}): its paragraph disappears when rendered."""
    _para(doc, text, size=2)


def _receipt_table(doc) -> None:
    table = doc.add_table(rows=2, cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(45), Mm(111))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice lays out by; Word reads the cells' widths
    table.cell(0, 0).merge(table.cell(0, 1)).text = "{%tr for r in rows %}"
    label, value = table.rows[1].cells
    for cell, width, text in ((label, widths[0], "{{ r.label }}"), (value, widths[1], "{{ r.value }}")):
        cell.width = width
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text)
        _font(run, SERIF, 14)
        cell.paragraphs[0].paragraph_format.space_before = Pt(10)
        cell.paragraphs[0].paragraph_format.space_after = Pt(10)
    end = table.add_row()
    end.cells[0].merge(end.cells[1]).text = "{%tr endfor %}"


def build(kind: str) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _font(doc.styles["Normal"], SERIF, BODY)
    _font(doc.styles["Table Grid"], SERIF, 14)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

    if kind in LETTERS:  # a letter carries its issuer's name at the head (版头)
        _para(doc, "{{ office }}", font=SANS, size=26, bold=True, align=center, after=12)
    _para(doc, "{{ title }}", size=22, bold=True, align=center, after=6)
    _para(doc, "{{ doc_number }}", align=center, after=18)
    _tag(doc, "{%p if addressee %}")
    _para(doc, "{{ addressee }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for p in body %}")
    _para(doc, "{{ p }}", indent=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p for s in sections %}")
    _para(doc, "{{ s.heading }}", font=SANS, bold=True, indent=True).paragraph_format.keep_with_next = True
    _tag(doc, "{%p for line in s.lines %}")
    _para(doc, "{{ line }}", indent=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")
    if kind == "delivery_receipt":
        _receipt_table(doc)
    _tag(doc, "{%p if basis %}")
    _para(doc, "{{ basis }}", indent=True, before=6)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if rights %}")
    _para(doc, "{{ rights }}", indent=True, bold=True)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for line in signatures %}")
    _para(doc, "{{ line }}", indent=True, before=6)
    _tag(doc, "{%p endfor %}")
    _para(doc, "{{ issuer }}{{ seal }}", align=right, before=30)
    _para(doc, "{{ issued_on }}", align=right)
    _tag(doc, "{%p if cc %}")
    _para(doc, "{{ cc }}", size=14, before=24)
    _tag(doc, "{%p endif %}")
    out = HERE / f"{kind}.docx"
    doc.save(out)
    return out


if __name__ == "__main__":
    for name in KINDS:
        print(build(name))

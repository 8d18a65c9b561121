#!/usr/bin/env python3
"""Writes the hostile-input corpus (deterministic). Run from this folder."""
import io, os, random, zipfile

random.seed(20261124)

def w(name, data):
    with open(name, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

HEADER = "领域,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,备注\r\n"

# Formulas and script in cells (CSV injection; HTML injection through the renderers).
w("formulas.csv", "\ufeff" + HEADER +
  '社会救助,=HYPERLINK("http://evil.example/","点击"),+cmd|\' /C calc\'!A0,-2+3,@SUM(A1:A9),某镇人民政府,政府网站,✓,,✓,,\t=1+1\r\n'
  '社会救助,<script>alert(1)</script>,<img src=x onerror=alert(1)>,《中华人民共和国政府信息公开条例》（国务院令第711号）,及时公开,"</td></tr></table><script>x()</script>",政府网站,✓,,✓,,-\r\n')

# A unit whose name tries to leave the output folder, with script in its names.
w("escape_unit.toml", '''name = "../../../tmp/gkml-escape"
full_name = "<script>alert('unit')</script>"
kind = "乡镇"
county = "CON"

[[sections]]
domain = "社会救助"
reference = false

[[sections.add]]
category = "=HYPERLINK(\\"http://evil.example\\")"
name = "<b onmouseover=alert(1)>x</b>"
content = "内容"
basis = "《中华人民共和国政府信息公开条例》（国务院令第711号）"
deadline = "及时公开"
subject = "{unit}"
channels = ["政府网站"]
audience = "全社会"
mode = "主动"
''')
w("windows_names.toml", 'name = "CON"\nkind = "乡镇"\ncounty = "某县"\n\n[[sections]]\ndomain = "社会救助"\n')

# Random bytes under every extension gkml reads.
blob = bytes(random.getrandbits(8) for _ in range(4096))
for ext in ["csv", "tsv", "toml", "xlsx", "xls", "ods"]:
    w(f"random.{ext}", blob)

# Empty files.
for ext in ["csv", "toml", "xlsx"]:
    w(f"empty.{ext}", b"")

# A real workbook cut in half.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("xl/workbook.xml", "<workbook/>" * 200)
data = buf.getvalue()
w("truncated.xlsx", data[: len(data) // 2])

# A sheet that declares (and uses) the whole 1,048,576 x 16,384 grid: two cells at its corners.
def xlsx(sheet_xml):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="目录" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return b.getvalue()

w("huge_declared_sheet.xlsx", xlsx('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'))

# A zip bomb: one sheet whose XML inflates to 300 MB of padding.
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/worksheets/sheet1.xml", b" " * (300 * 1024 * 1024))
w("zip_bomb.xlsx", b.getvalue())

# An HTML page saved with a workbook's name (government download sites do this).
w("page_saved_as.xlsx", "<!DOCTYPE html><html><head><title>政务公开目录</title></head><body><table><tr><td>序号</td><td>公开事项</td></tr></table></body></html>")

# Deeply nested TOML (a recursive-descent parser would overflow the stack).
w("deep.toml", "name = " + "[" * 100000 + "]" * 100000 + "\n")

# A CSV with a quote that never closes.
w("unclosed_quote.csv", HEADER + '社会救助,"办事指南,内容,依据,及时公开,镇,政府网站,✓,,✓,,\r\n' + "社会救助,x,y,z,及时公开,镇,政府网站,✓,,✓,,\r\n" * 50)

# A cell longer than Excel allows.
w("long_cell.csv", HEADER + "社会救助,办事指南," + "很" * 40000 + ",《中华人民共和国政府信息公开条例》（国务院令第711号）,及时公开,镇,政府网站,✓,,✓,,\r\n")

# Control characters and odd Unicode everywhere.
w("control_chars.csv", HEADER + "社会救助,\x00\x01\x1b[31m办事\u202e指南,\ufeff内容\u200b,依据,及时公开,镇\x7f,政府网站,✓,,✓,,\r\n")

# ---- Round two (issue 20) ----

STYLES = '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="m&quot;月&quot;d&quot;日&quot;"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'

def workbook(sheets, styles=None):
    """An xlsx from [(name, sheet_xml, state)], state "visible", "hidden" or "veryHidden"."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        over = "".join(f'<Override PartName="/xl/worksheets/sheet{i+1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(sheets)))
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + over + '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        tags = "".join(f'<sheet name="{n}" sheetId="{i+1}"' + ("" if st == "visible" else f' state="{st}"') + f' r:id="rId{i+1}"/>' for i, (n, _, st) in enumerate(sheets))
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' + tags + '</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i+1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i+1}.xml"/>' for i in range(len(sheets)))
        if styles:
            rels += '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            z.writestr("xl/styles.xml", styles)
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + rels + '</Relationships>')
        for i, (_, xml, _) in enumerate(sheets):
            z.writestr(f"xl/worksheets/sheet{i+1}.xml", xml)
    return b.getvalue()

def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

def sheet(rows, extra="", row_attrs=None):
    """Sheet XML from rows of strings (inline strings; "=F" makes a formula without a value)."""
    out = []
    for r, cells in enumerate(rows):
        cs = []
        for c, v in enumerate(cells):
            ref = f"{col(c)}{r+1}"
            if v.startswith("=F"):
                cs.append(f'<c r="{ref}"><f>{v[2:]}</f></c>')
            elif v.startswith("D") and v[1:].isdigit():
                cs.append(f'<c r="{ref}" s="1"><v>{v[1:]}</v></c>')
            elif v.startswith("M") and v[1:].isdigit():
                cs.append(f'<c r="{ref}" s="2"><v>{v[1:]}</v></c>')
            elif v.startswith("#"):
                cs.append(f'<c r="{ref}" t="e"><v>{v}</v></c>')
            else:
                cs.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
        attrs = (row_attrs or {}).get(r + 1, "")
        out.append(f'<row r="{r+1}"{attrs}>' + "".join(cs) + "</row>")
    return '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + "".join(out) + "</sheetData>" + extra + "</worksheet>"

H2 = ["二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "全社会", "主动"]
def item(name):
    return [name, "条件", "《中华人民共和国政府信息公开条例》（国务院令第711号）", "信息形成或变更之日起20个工作日内", "镇人民政府", "政府网站", "✓", "✓"]

# A visible sheet of three items and a hidden and a very hidden sheet of twenty: copies made
# by --fix and --annotate must keep them hidden.
w("hidden_sheets.xlsx", workbook([
    ("目录", sheet([H2] + [item(f"公开事项{i}") for i in range(2)] + [item("公开事项2")[:5] + ["&lt;b&gt;政府网站&lt;/b&gt;", "✓", "✓"]]), "visible"),
    ("草稿", sheet([H2] + [item(f"草稿事项{i}") for i in range(10)]), "hidden"),
    ("底稿", sheet([H2] + [item(f"底稿事项{i}") for i in range(10)]), "veryHidden"),
]))

# One merged range from A10 to the last cell of the sheet (5 KB on disk).
w("merge_bomb.xlsx", workbook([
    ("目录", sheet([H2] + [item(f"事项{i}")[:5] + ["&lt;b&gt;政府网站&lt;/b&gt;", "✓", "✓"] for i in range(3)], '<mergeCells count="1"><mergeCell ref="A10:XFD1048576"/></mergeCells>'), "visible"),
]))

def ods(content):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="目录">' + content + '</table:table></office:spreadsheet></office:body></office:document-content>')
    return b.getvalue()

def ods_row(cells, attrs=""):
    return f"<table:table-row{attrs}>" + "".join(f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in cells) + "</table:table-row>"

# One item row repeated 1,048,000 times (1 KB on disk), and one cell repeated across
# 16,000 columns above 100,000 repeated rows.
w("ods_rows_bomb.ods", ods(ods_row(H2) + ods_row(item("低保"), ' table:number-rows-repeated="1048000"')))
w("ods_columns_bomb.ods", ods(ods_row(H2) + '<table:table-row><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>' + ods_row(item("低保"), ' table:number-rows-repeated="100000"')))
# What LibreOffice writes: the items, then empty cells and rows repeated to the sheet's end.
w("ods_trailing_empty.ods", ods(ods_row(H2) + ods_row(item("低保")) + ods_row(item("特困"))
  + '<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
  + '<table:table-row><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'))

def with_shared_strings(unique_count):
    """A workbook whose cells come from a shared-string table declaring `unique_count`."""
    b = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(workbook([("目录", sheet([H2, item("低保")]), "visible")])))
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            data = src.read(n)
            if n == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if n == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            z.writestr(n, data)
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="{unique_count}"><si><t>低保</t></si></sst>')
    return b.getvalue()

# A shared-string table declaring u64::MAX and 2^31 strings (calamine reserves them all).
w("shared_strings_max.xlsx", with_shared_strings(18446744073709551615))
w("shared_strings_2e31.xlsx", with_shared_strings(2 ** 31))

# Cells calamine reads differently from what Excel shows: a formula saved without its
# result, #N/A, dates (yyyy-m-d and m月d日 formats) and a hidden row.
w("cell_values.xlsx", workbook([
    ("目录", sheet([H2 + ["备注"],
                    item("低保")[:4] + ["=FB1&amp;\"人民政府\""] + item("低保")[5:] + ["D45688"],
                    item("特困")[:2] + ["#N/A"] + item("特困")[3:] + ["M45688"],
                    item("临时救助") + [""]],
                   row_attrs={4: ' hidden="1"'}), "visible"),
], styles=STYLES))

# Rows and cells without their r attribute (positions implied): one row of 16,384 cells over
# a million one-cell rows declares 17 billion cells without naming one of them (64 KB).
w("implicit_positions_bomb.xlsx", workbook([("目录", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + '<row>' + '<c><v>1</v></c>' * 16384 + '</row>' + '<row><c><v>1</v></c></row>' * 1000000 + '</sheetData></worksheet>', "visible")]))
# The same shape at a sane size reads: a header and one item, positions implied.
w("implicit_positions_ok.xlsx", workbook([("目录", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + "".join('<row>' + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in r) + '</row>' for r in [H2, item("低保")]) + '</sheetData></worksheet>', "visible")]))

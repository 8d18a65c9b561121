//! GK0xx: reading and parsing, the readers' own diagnostics. A file with one of these errors
//! could not be read as a catalogue, and the run exits 2. They live with the readers (which
//! sit below the rules); the registry in `rules` lists them with every other code.

use crate::diag::Rule;
use crate::diag::Severity::Error;

pub static FILE_UNREADABLE: Rule = Rule {
    code: "GK001",
    name: "FileUnreadable",
    severity: Error,
    summary: "文件无法读取（不存在、无权限或是文件夹）",
    source: "—",
    doc: "## What it does
Reports a path that cannot be opened: it does not exist, permission is denied, or it is a folder where a file was expected.

## Why is this bad?
Nothing in the file can be checked or compiled until it can be read.

## Example
    gkml validate 民政局目录.csv      # the file is in another folder

Use instead:
    gkml validate 草稿/民政局目录.csv
",
};

pub static TOML_SYNTAX: Rule = Rule {
    code: "GK002",
    name: "TomlSyntaxError",
    severity: Error,
    summary: "TOML 语法错误",
    source: "TOML 1.0",
    doc: "## What it does
Reports a TOML catalogue that is not valid TOML, with the line and column of the first error.

## Why is this bad?
A file that does not parse cannot be read at all; nothing after the error is seen.

## Example
    name = \"政策法规          # the closing quote is missing

Use instead:
    name = \"政策法规\"
",
};

pub static TOML_STRUCTURE: Rule = Rule {
    code: "GK003",
    name: "TomlStructureError",
    severity: Error,
    summary: "TOML 结构不符合目录格式（未知键、类型错误）",
    source: "gkml 目录格式（schemas/）",
    doc: "## What it does
Reports valid TOML that does not have the shape of a gkml catalogue: an unknown key (often a misspelling), a value of the wrong type, a required key missing.

## Why is this bad?
A misspelt key would otherwise be silently ignored, and the value the clerk wrote would never reach the table.

## Example
    [[items]]
    nmae = \"政策法规\"

Use instead:
    [[items]]
    name = \"政策法规\"
",
};

pub static BAD_ENCODING: Rule = Rule {
    code: "GK004",
    name: "BadEncoding",
    severity: Error,
    summary: "文件编码无法识别",
    source: "—",
    doc: "## What it does
Reports a text file (CSV, TSV, TOML) whose bytes are not valid in the encoding gkml detected. In a UTF-8 CSV, a row that is not UTF-8 (pasted from a GBK file) is read as GBK and reported at its row as a warning (the file was read: exit 0, compile proceeds; check the row); the rows after it are still read. Big5 is not read.

## Why is this bad?
Decoding with the wrong encoding turns Chinese text into mojibake that would then be published; a row read as GBK is gkml's best guess, which the clerk must check.

## Example
A CSV saved in GBK whose bytes were later cut in the middle of a character.

Use instead:
Save the table again from Excel or WPS as \"CSV UTF-8\" (or plain CSV, which is GBK), without editing it in a text editor.
",
};

pub static CSV_MALFORMED: Rule = Rule {
    code: "GK005",
    name: "CsvMalformed",
    severity: Error,
    summary: "CSV 格式错误（引号不配对等）",
    source: "RFC 4180",
    doc: "## What it does
Reports a CSV file the CSV parser cannot read, such as a quote that is never closed.

## Why is this bad?
Every row after the fault would be misread.

## Example
    社会救助,低保,\"政策法规,…

Use instead:
    社会救助,低保,\"政策法规\",…
",
};

pub static HEADER_NOT_FOUND: Rule = Rule {
    code: "GK006",
    name: "HeaderNotFound",
    severity: Error,
    summary: "找不到表头（缺少必需的列）",
    source: "国办发〔2019〕54号 附件 格式模板",
    doc: "## What it does
Reports a table in which gkml cannot find the template's header row within the first rows, and names the columns it found and the ones it is missing.

## Why is this bad?
Without a header the cells cannot be matched to 公开事项, 公开依据 and the other elements.

## Example
    事项,说明,文件

Use instead:
    二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开
",
};

pub static UNSUPPORTED_FILE: Rule = Rule {
    code: "GK007",
    name: "UnsupportedFile",
    severity: Error,
    summary: "不支持的文件类型",
    source: "—",
    doc: "## What it does
Reports a file whose type gkml does not read: a PDF, an image, a WPS 表格 binary (`.et`), or
an old binary Office file that holds neither a Word document nor a workbook, for which the
hint says how to convert it. A `.doc` or `.wps` is read by what it holds: a Word 97–2003
document, a web page, a .docx package or an .xls workbook.

## Why is this bad?
The file was named to be checked, and silently skipping it would look like a pass.

## Example
    gkml validate 目录.et

Use instead:
In WPS or Word, 文件 → 另存为 “Word 文档 (*.docx)” (a `.et` as “Excel 工作簿 (*.xlsx)”), or run
`libreoffice --headless --convert-to xlsx 目录.et`, then validate the new file.
",
};

pub static NOT_A_CATALOGUE: Rule = Rule {
    code: "GK008",
    name: "NotACatalogue",
    severity: Error,
    summary: "TOML 文件不是目录、单位目录或项目文件",
    source: "gkml 目录格式（schemas/）",
    doc: "## What it does
Reports a TOML file that is none of gkml's formats: a reference catalogue has `domain` (or `section`) and `[[items]]`; a unit catalogue has `name`, `kind` and `[[sections]]`; a county project has `county` and `[[units]]`.

## Why is this bad?
gkml cannot tell what the file is meant to be, so nothing in it can be checked.

## Example
    title = \"目录\"

Use instead:
    name = \"鱼岳镇\"
    kind = \"乡镇\"
    county = \"嘉鱼县\"
",
};

pub static UNKNOWN_COLUMN: Rule = Rule {
    code: "GK009",
    name: "UnknownColumn",
    severity: crate::diag::Severity::Warning,
    summary: "表头中有无法识别的列，其内容并入备注",
    source: "国办发〔2019〕54号 附件 格式模板",
    doc: "## What it does
Reports a header cell that is not one of the template's columns (or a known variant). The column is not dropped: its values are appended to 备注 as \"列名：值\".

Columns clerks commonly add (公开时长, 保存期限, 网站栏目, 所属栏目, 咨询电话, 联系电话, 更新时间, 备注说明 …) go to 备注 the same way without this warning; a column naming a person (责任人, 联系人, 经办人) is still reported, since 备注 is published.

## Why is this bad?
The value may belong in a template column under another name, and would then be missing from that column in the compiled table.

## Example
    二级事项,公开内容（要素）,联系科室

Use instead:
    Put the text in 公开主体 or 备注, or rename the column to a template column.
",
};

pub static NO_DOMAIN: Rule = Rule {
    code: "GK010",
    name: "NoDomain",
    severity: crate::diag::Severity::Warning,
    summary: "表中未注明领域（无“领域”列，也无领域标题行）",
    source: "国办发〔2019〕54号：按26个试点领域编制目录",
    doc: "## What it does
Reports a table whose rows cannot be placed in a domain: it has no 领域 column and no section row (a row whose only text is a domain name, such as \"社会救助领域\"). The rows are kept in a section named 未分领域.

## Why is this bad?
The county summary counts items by domain; items without one count nowhere.

## Example
    二级事项,公开内容（要素）,…        (no 领域 column, no section rows)

Use instead:
    领域,二级事项,公开内容（要素）,…   (or a row \"社会救助领域\" above the domain's rows)
",
};

pub static EMPTY_SHEET: Rule = Rule {
    code: "GK011",
    name: "EmptySheet",
    severity: crate::diag::Severity::Info,
    summary: "工作簿中有空工作表",
    source: "—",
    doc: "## What it does
Reports a sheet with no text at all. It is skipped.

## Why is this bad?
It is not: the info only confirms that nothing in the workbook was skipped silently.

## Example
    Sheet2, Sheet3 left empty by Excel

Use instead:
    Delete the empty sheets, or leave them: the result is the same.
",
};

pub static HIDDEN_SHEET: Rule = Rule {
    code: "GK012",
    name: "HiddenSheet",
    severity: crate::diag::Severity::Warning,
    summary: "工作簿中有隐藏工作表，未读取",
    source: "—",
    doc: "## What it does
Reports a hidden (or very hidden) sheet. gkml does not read it: hidden sheets usually hold scratch data or lists for drop-downs.

## Why is this bad?
If the hidden sheet does hold catalogue items, they would be missing from the result.

## Example
    a sheet 养老服务 hidden by mistake

Use instead:
    Unhide the sheet in Excel/WPS (right-click a sheet tab → 取消隐藏), or delete it if it is scratch data.
",
};

pub static INPUT_TOO_LARGE: Rule = Rule {
    code: "GK013",
    name: "InputTooLarge",
    severity: Error,
    summary: "文件超出读取限制（过大、解压后过大、声明尺寸过大、行数过多或嵌套过深）",
    source: "—",
    doc: "## What it does
Refuses a file that exceeds gkml's reading limits: its size (--max-input-mb, default 2048), a workbook whose contents decompress to more than that or whose sheets declare absurd dimensions (a zip bomb, or a sheet claiming 1,048,576 × 16,384 cells), more rows than --max-rows (default 5,000,000), or a TOML file nested deeper than 64 levels.

## Why is this bad?
Such files are broken or hostile; reading them would exhaust memory or the stack and stop the whole run, including the other units.

## Example
    草稿.xlsx: 1 MB on disk, 4 GB decompressed

Use instead:
    Open the file in Excel/WPS, check what it contains, and save it again; or raise the limit with --max-input-mb if the file is genuinely that large.
",
};

pub static CELL_TOO_LONG: Rule = Rule {
    code: "GK014",
    name: "CellTooLong",
    severity: Error,
    summary: "单元格内容超过长度上限",
    source: "Excel 单元格上限 32,767 个字符",
    doc: "## What it does
Reports a cell longer than --max-cell-chars characters (default 32,767, Excel's own limit).

## Why is this bad?
Excel and WPS cut such a cell when they open the file, and a cell this long is usually a broken quote or a pasted document, not a catalogue element.

## Example
    公开内容（要素） = (a whole notice pasted into the cell)

Use instead:
    Summarise the elements (申请条件、办理流程、…) and link the notice from the portal.
",
};

pub static STRAY_QUOTE: Rule = Rule {
    code: "GK015",
    name: "StrayQuoteInField",
    severity: crate::diag::Severity::Warning,
    summary: "CSV 未加引号的单元格中间有英文双引号",
    source: "RFC 4180；Excel/WPS 的读取方式",
    doc: "## What it does
Reports English double quotes in the middle of an unquoted CSV cell, such as `15\"显示屏`. gkml reads them as Excel, WPS and Python do: as ordinary characters, the cell ending at the next comma.

## Why is this bad?
Strictly, a quote belongs only around a whole cell. Another program may read the rest of the file as one cell; and a quote that was meant to open a quoted cell (one holding a comma) splits that cell in two.

## Example
    低保,15\"显示屏,…

Use instead:
    低保,\"15\"\"显示屏\",…   (or 15英寸显示屏)
",
};

pub static FORMULA_WITHOUT_VALUE: Rule = Rule {
    code: "GK016",
    name: "FormulaWithoutValue",
    severity: crate::diag::Severity::Warning,
    summary: "公式单元格没有保存计算结果",
    source: "—",
    doc: "## What it does
Reports formula cells that carry no cached result. gkml does not calculate formulas; it reads the result Excel saved with the file, and these cells have none, so they read as empty.

## Why is this bad?
Files written by scripts, converters or some online editors store the formula only. The clerk sees a value in Excel, but the catalogue gets an empty cell (often a missing 公开主体 or 公开时限).

## Example
    公开主体 = =$B$1&\"人民政府\"   (saved by a converter without its result)

Use instead:
    Open and save the file in Excel/WPS once, or paste the column as values.
",
};

pub static ERROR_VALUE: Rule = Rule {
    code: "GK017",
    name: "ExcelErrorValue",
    severity: crate::diag::Severity::Warning,
    summary: "单元格是 Excel 错误值（#N/A、#REF! 等）",
    source: "—",
    doc: "## What it does
Reports cells whose value is an Excel error: #N/A, #REF!, #VALUE!, #DIV/0!, #NAME?, #NULL!, #NUM!. They are read as their text.

## Why is this bad?
An error value is a broken formula, not catalogue content: published as is, the catalogue shows #N/A where a basis or a subject should be.

## Example
    公开依据 = #N/A   (a VLOOKUP that found nothing)

Use instead:
    公开依据 = 《中华人民共和国政府信息公开条例》（国务院令第711号）
",
};

pub static HIDDEN_ROW: Rule = Rule {
    code: "GK018",
    name: "HiddenRow",
    severity: crate::diag::Severity::Warning,
    summary: "工作表中有隐藏行（已读取）",
    source: "—",
    doc: "## What it does
Reports hidden rows of a sheet: hidden rows of an .xlsx, collapsed or filtered rows (`table:visibility`) of an .ods, repeated rows counted one by one. gkml reads them like every other row and says so: whether they belong in the catalogue is the clerk's decision.

## Why is this bad?
Rows are often hidden instead of deleted (an item dropped this year, a draft line). The clerk does not see them in Excel, but they would be published.

## Example
    row 12 (一件已取消的事项) hidden with 右键 → 隐藏

Use instead:
    Delete the row if the item is not to be published; unhide it if it is.
",
};

pub static COUNTY_FILE: Rule = Rule {
    code: "GK019",
    name: "CountyFileNotACatalogue",
    severity: crate::diag::Severity::Info,
    summary: "gkml 写出的全县文件（覆盖情况、责任分工、索引页），不是目录，未读取",
    source: "—",
    doc: "## What it does
Notes a file that gkml itself wrote for the county and that is not a catalogue: the coverage table 覆盖情况, the responsibility table 责任分工 (as CSV, or as sheets of 汇总表.xlsx) and the portal's index.html. It is passed over instead of failing with GK006, so `gkml validate out/` checks every catalogue of a compiled county and nothing else.

## Why is this bad?
It is not: the note only says why the file has no items.

## Example
    gkml validate out/覆盖情况.csv

Use instead:
    gkml validate out/全县汇总目录.csv    (the county's items)
",
};

pub static TRADITIONAL_CONVERTED: Rule = Rule {
    code: "GK020",
    name: "TraditionalTextConverted",
    severity: crate::diag::Severity::Info,
    summary: "繁体字文件：已按简体读取，输出为简体（中国大陆标准）",
    source: "—",
    doc: "## What it does
Notes, once per file, that a draft is written in Traditional characters (its header or title says so: 公開內容、公開依據): every cell is read after conversion to Simplified, so its headers, domain names, channels, marks, unit kinds and 公开时限 phrasings (實時公開) are understood, and `compile` writes the catalogue in Simplified. A file whose header is Simplified is never converted, so names such as 乾县 stay as written.

## Why is this bad?
It is not: the note says that what gkml writes is in Simplified characters, the mainland standard for a county's published catalogue, while the draft was not.

## Example
    序號,一級事項,二級事項,公開內容（要素）,公開依據,公開時限,…

Use instead:
    序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,…    (or keep the draft: gkml converts it)
",
};

pub static HIDDEN_COLUMN: Rule = Rule {
    code: "GK021",
    name: "HiddenColumn",
    severity: crate::diag::Severity::Warning,
    summary: "工作表中有隐藏列且有内容（已读取）",
    source: "—",
    doc: "## What it does
Reports the hidden columns of a sheet that hold something: columns hidden in an .xlsx (`<col hidden=\"1\">`), an .xls (its column records) or an .ods (`table:visibility`), and hidden columns of an Excel 2003 XML workbook or of Excel's web page of a workbook (`display:none`). gkml reads them like every other column (a hidden 公开依据 or 公开主体 column is still that column) and names the sheet and the column letters; hidden columns that are empty are not reported.

## Why is this bad?
The clerk does not see these cells in Excel, but what they hold is read and published: an old column kept out of sight, or a column hidden to print a narrower page, may hold text nobody checked.

## Example
    column D (公开依据) hidden with 右键 → 隐藏 to fit the page

Use instead:
    Unhide the column and check it; delete the column if its text is not to be published.
",
};

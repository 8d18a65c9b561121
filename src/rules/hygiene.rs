//! GK6xx: content hygiene and privacy. What was pasted from elsewhere (HTML, stray spaces)
//! and what must never be published (personal identifiers, 条例第十五条).

use super::Rule;
use crate::diag::Severity::Warning;

pub static HTML_RESIDUE: Rule = Rule {
    code: "GK601",
    name: "HtmlResidue",
    severity: Warning,
    summary: "单元格中残留网页代码（HTML）",
    source: "国办发〔2019〕54号 附件 格式模板（公开渠道和载体为勾选项）",
    doc: "## What it does
Reports a cell holding HTML pasted from the portal's editor: tags such as `<input checked=\"\" type=\"checkbox\"/>`, `<ul style=…>`, or entities such as `&nbsp;`. gkml reads the text without the code (a checked box becomes ■) and says so; the source cell still holds the code.

## Why is this bad?
Printed tables and the portal would show the code to the public; other tools read `<input checked=\"\"…>` as text, not as a ticked box.

## Example
    <input type=\"checkbox\"/> 公示栏 <input checked=\"\" type=\"checkbox\"/> 其他 基层公共服务平台

Use instead:
    其他（基层公共服务平台）
",
};

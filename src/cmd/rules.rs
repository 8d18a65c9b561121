//! `gkml rules` lists the rule registry; `gkml explain CODE` prints one rule's documentation.

use serde::Serialize;

use crate::cli::ListFormat;
use crate::error::Error;
use crate::rules::{self, RULES};

use super::domains::pad;
use super::{print_out, Exit};

#[derive(Serialize)]
struct RuleJson {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    summary: &'static str,
    source: &'static str,
    /// Only in `explain --format json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<String>,
}

impl RuleJson {
    fn of(r: &rules::Rule, doc: bool) -> RuleJson {
        RuleJson {
            code: r.code,
            name: r.name,
            severity: r.severity.as_str(),
            summary: r.summary,
            source: r.source,
            doc: doc.then(|| r.doc.to_string()),
        }
    }
}

/// Run `rules`.
///
/// # Errors
/// Only when stdout cannot be written.
pub fn list(format: ListFormat) -> Result<Exit, Error> {
    let text = match format {
        ListFormat::Json => {
            let rows: Vec<RuleJson> = RULES.iter().map(|r| RuleJson::of(r, false)).collect();
            serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
        }
        ListFormat::Table => {
            let mut t = String::new();
            for r in RULES {
                t.push_str(&format!(
                    "{}  {}  {}  {}\n",
                    r.code,
                    pad(r.severity.label_zh(), 4),
                    pad(r.name, 24),
                    r.summary
                ));
            }
            t
        }
    };
    print_out(&text)?;
    Ok(Exit::Ok)
}

/// Run `explain CODE`; an unknown code exits 2. `--format json` prints one object: the
/// fields of `rules --format json` plus `doc`.
///
/// # Errors
/// [`Error::Usage`] for an unknown code.
pub fn explain(code: &str, format: ListFormat) -> Result<Exit, Error> {
    let Some(r) = rules::find(code) else {
        return Err(Error::Usage(format!(
            "没有规则“{code}”；gkml rules 可列出全部规则"
        )));
    };
    // Rules whose facts are data print that data with its sources.
    let list = match r.code {
        "GK305" => rules::superseded_explain_list(),
        "GK405" => rules::decision_explain_list(),
        _ => String::new(),
    };
    if format == ListFormat::Json {
        let mut doc = RuleJson::of(r, true);
        doc.doc = Some(format!("{}{list}", r.doc));
        let json = serde_json::to_string_pretty(&doc).unwrap_or_default();
        print_out(&(json + "\n"))?;
        return Ok(Exit::Ok);
    }
    let text = format!(
        "{} {}（{}）\n{}\n依据：{}\n\n{}{list}",
        r.code,
        r.name,
        r.severity.label_zh(),
        r.summary,
        r.source,
        r.doc
    );
    print_out(&text)?;
    Ok(Exit::Ok)
}

//! Which rules run and how severe they are: per project (`[rules]` in county.toml: a code or
//! family prefix = "error" | "warning" | "info" | "off") and per run (`--select`, `--ignore`).
//! Reading errors (GK0xx errors) cannot be turned off or down: they mean a file was not read.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Severity};

/// What the user changed about the registry's defaults.
#[derive(Debug, Clone, Default)]
pub struct RuleConfig {
    /// Only these codes or prefixes (GK1, GK210); empty means all.
    pub select: Vec<String>,
    /// Not these codes or prefixes.
    pub ignore: Vec<String>,
    /// Severity by code or prefix; `None` turns the rule off. The longest match wins.
    pub severity: BTreeMap<String, Option<Severity>>,
}

fn matches(code: &str, pattern: &str) -> bool {
    code.to_ascii_uppercase()
        .starts_with(&pattern.trim().to_ascii_uppercase())
}

/// Read a severity word from a project file.
pub fn parse_level(s: &str) -> Option<Option<Severity>> {
    match s.trim().to_ascii_lowercase().as_str() {
        "error" | "错误" => Some(Some(Severity::Error)),
        "warning" | "warn" | "警告" => Some(Some(Severity::Warning)),
        "info" | "提示" => Some(Some(Severity::Info)),
        "off" | "ignore" | "关闭" => Some(None),
        _ => None,
    }
}

/// Whether a diagnostic is a guard that no configuration can drop or lower: a reading error
/// (GK0xx: the file was not read) or GK702 (two units would write the same files).
pub fn is_guard(d: &Diagnostic) -> bool {
    (d.code.starts_with("GK0") && d.severity == Severity::Error)
        || d.code == super::DUPLICATE_UNIT_NAME.code
}

/// Whether `prefix` (GK2, GK210) names at least one rule: the one test behind `--select`,
/// `--ignore` and a project's `[rules]` table.
pub fn is_known(prefix: &str) -> bool {
    let p = prefix.trim().to_ascii_uppercase();
    !p.is_empty() && super::RULES.iter().any(|r| r.code.starts_with(&p))
}

impl RuleConfig {
    /// The configuration a project's `[rules]` table asks for.
    ///
    /// # Errors
    /// A GK003 diagnostic at the table for an unknown code or an unreadable level.
    pub fn from_table(table: &crate::read::toml::RulesTable) -> Result<RuleConfig, Diagnostic> {
        let mut config = RuleConfig::default();
        for (code, level) in &table.entries {
            let problem = match (is_known(code), parse_level(level)) {
                (true, Some(sev)) => {
                    config
                        .severity
                        .insert(code.trim().to_ascii_uppercase(), sev);
                    continue;
                }
                (false, _) => Diagnostic::new(
                    &crate::read::codes::TOML_STRUCTURE,
                    format!("[rules] 中的“{code}”不是规则代码"),
                )
                .hint("写规则代码或其前缀，如 GK210 或 GK6；gkml rules 可列出全部规则"),
                (true, None) => Diagnostic::new(
                    &crate::read::codes::TOML_STRUCTURE,
                    format!("[rules] 中“{code}”的级别“{level}”无法识别"),
                )
                .hint("写 \"error\"、\"warning\"、\"info\" 或 \"off\""),
            };
            return Err(problem.at(table.loc.as_ref()));
        }
        Ok(config)
    }

    pub fn is_empty(&self) -> bool {
        self.select.is_empty() && self.ignore.is_empty() && self.severity.is_empty()
    }

    /// This configuration with `other`'s selections added and its severities taking
    /// precedence (a run's flags over a project's table).
    pub fn merged(&self, other: &RuleConfig) -> RuleConfig {
        let mut m = self.clone();
        m.select.extend(other.select.iter().cloned());
        m.ignore.extend(other.ignore.iter().cloned());
        m.severity
            .extend(other.severity.iter().map(|(k, v)| (k.clone(), *v)));
        m
    }

    /// Apply to diagnostics: drop what is not selected, ignored or off; change severities.
    pub fn apply(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.is_empty() {
            return diags;
        }
        diags
            .into_iter()
            .filter_map(|mut d| {
                if is_guard(&d) {
                    return Some(d);
                }
                if !self.select.is_empty() && !self.select.iter().any(|p| matches(d.code, p)) {
                    return None;
                }
                if self.ignore.iter().any(|p| matches(d.code, p)) {
                    return None;
                }
                let best = self
                    .severity
                    .iter()
                    .filter(|(p, _)| matches(d.code, p))
                    .max_by_key(|(p, _)| p.len());
                match best {
                    Some((_, None)) => None,
                    Some((_, Some(s))) => {
                        d.severity = *s;
                        Some(d)
                    }
                    None => Some(d),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn d(rule: &rules::Rule) -> Diagnostic {
        Diagnostic::new(rule, "x")
    }

    #[test]
    fn select_ignore_and_severity() {
        let all = vec![
            d(&rules::MISSING_BASIS),
            d(&rules::MISSING_WEBSITE),
            d(&rules::TOML_SYNTAX),
            d(&rules::STRAY_WHITESPACE),
        ];
        let c = RuleConfig {
            select: vec!["GK1".into()],
            ..Default::default()
        };
        let codes: Vec<&str> = c.apply(all.clone()).iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["GK103", "GK002"],
            "reading errors are never dropped"
        );
        let c = RuleConfig {
            ignore: vec!["gk6".into()],
            ..Default::default()
        };
        assert_eq!(c.apply(all.clone()).len(), 3);
        let mut sev = BTreeMap::new();
        sev.insert("GK2".to_string(), Some(Severity::Info));
        sev.insert("GK210".to_string(), Some(Severity::Error));
        sev.insert("GK103".to_string(), None);
        let c = RuleConfig {
            severity: sev,
            ..Default::default()
        };
        let out = c.apply(all);
        assert!(out.iter().all(|d| d.code != "GK103"));
        assert_eq!(
            out.iter().find(|d| d.code == "GK210").map(|d| d.severity),
            Some(Severity::Error),
            "longest prefix wins"
        );
        assert_eq!(parse_level("off"), Some(None));
        assert_eq!(parse_level("maybe"), None);
    }
}

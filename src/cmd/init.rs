//! `gkml init`: start a county project (a folder with county.toml, the county government, its
//! departments and towns, and the responsibility table) or one unit file, from the built-in
//! reference catalogues. With flags it asks nothing; on a terminal it asks for what is
//! missing. `gkml init 某县 --county 某县 --towns 甲镇,乙镇` then `gkml compile 某县 -o out`
//! gives a compiled catalogue in two commands.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::catalogues::Store;
use crate::domains::{SectionKey, DOMAINS};
use crate::error::Error;
use crate::fsutil::{safe_file_name, write_atomic};
use crate::model::{Level, UnitKind};

use super::Exit;

/// What the user asked for: the command line's arguments as they are.
pub use crate::cli::InitArgs as Request;

fn ask(question: &str) -> Result<Option<String>, Error> {
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Usage(format!("无法读取输入：{e}")))?;
    let t = line.trim().to_string();
    Ok((!t.is_empty()).then_some(t))
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The first (usual) lead department of a domain: 民政局, 公共资源交易中心 …
fn lead_of(id: u8) -> &'static str {
    DOMAINS
        .get(usize::from(id) - 1)
        .map(|d| d.lead.split(" / ").next().unwrap_or(d.lead))
        .unwrap_or("")
}

/// The default departments: every usual lead department, once, in domain order.
fn default_departments() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in DOMAINS {
        let l = lead_of(d.id).to_string();
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// Domains a department leads: those whose usual lead (any alternative) it is.
fn department_domains(dept: &str) -> Vec<u8> {
    DOMAINS
        .iter()
        .filter(|d| d.lead.split(" / ").any(|l| dept.ends_with(l.trim())))
        .map(|d| d.id)
        .collect()
}

/// Domains a town or subdistrict takes: those whose reference has items at 乡级.
fn town_domains(store: &Store) -> Vec<u8> {
    DOMAINS
        .iter()
        .filter(|d| {
            store.get(&SectionKey::Domain(d.id)).is_some_and(|c| {
                c.sections
                    .iter()
                    .flat_map(|s| &s.items)
                    .any(|i| i.levels.contains(&Level::Town))
            })
        })
        .map(|d| d.id)
        .collect()
}

fn unit_toml(
    name: &str,
    full_name: &str,
    kind: UnitKind,
    county: &str,
    domains: &[u8],
    schema: Option<&str>,
) -> String {
    let mut t = String::new();
    if let Some(schema) = schema {
        let _ = writeln!(t, "#:schema {schema}");
    }
    let _ = writeln!(
        t,
        "# {full_name}基层政务公开事项标准目录（由 gkml init 生成）。"
    );
    let _ = writeln!(t, "# 每个领域从参考目录开始；按本单位实际删除（drop）、修改（[[sections.change]]）、新增（[[sections.add]]）事项。");
    let _ = writeln!(
        t,
        "# 事项编号见参考目录，或运行 gkml compile 后查看输出的 JSON。"
    );
    let _ = writeln!(t, "name = {}", q(name));
    let _ = writeln!(t, "full_name = {}", q(full_name));
    let _ = writeln!(t, "kind = {}", q(kind.label()));
    let _ = writeln!(t, "county = {}", q(county));
    t.push_str("\n[[sections]]\nsection = \"概况信息\"\n");
    for id in domains {
        if let Some(d) = crate::domains::by_id(*id) {
            let _ = write!(t, "\n[[sections]]\ndomain = {}\n", q(d.name));
        }
    }
    if domains.is_empty() {
        t.push_str("\n# 本单位负责的领域写在这里，如：\n# [[sections]]\n# domain = \"社会救助\"\n");
    }
    t
}

fn ensure_new(path: &Path) -> Result<(), Error> {
    let exists_non_empty = path.exists()
        && (!path.is_dir()
            || std::fs::read_dir(path)
                .map(|mut d| d.next().is_some())
                .unwrap_or(true));
    if exists_non_empty {
        return Err(Error::Usage(format!(
            "{} 已存在，gkml init 不会覆盖：请换一个路径",
            path.display()
        )));
    }
    Ok(())
}

/// Run `init`.
///
/// # Errors
/// [`Error::Usage`] when the path exists or a required value is missing off a terminal;
/// [`Error::Write`] when a file cannot be written.
pub fn run(req: Request, store: &Store) -> Result<Exit, Error> {
    ensure_new(&req.path)?;
    let county = match req.county.clone() {
        Some(c) => c,
        None => ask("县（区）名称，如 嘉鱼县：")?.ok_or_else(|| {
            Error::Usage("请用 --county 指定县（区）名称，如 --county 嘉鱼县".into())
        })?,
    };
    if req.path.extension().is_some_and(|e| e == "toml") {
        return init_unit(&req, &county, store);
    }
    let mut towns = req.towns.clone();
    if towns.is_empty() && req.subdistricts.is_empty() {
        if let Some(t) = ask("乡镇名称，用逗号分隔（可留空）：")? {
            towns = split_list(&t);
        }
    }
    let departments = if req.departments.is_empty() {
        default_departments()
    } else {
        req.departments.clone()
    };
    let dir = &req.path;
    // The project carries its own copy of the schemas, so editors complete and check keys.
    for (name, text) in crate::read::toml::schemas() {
        if name != "reference.schema.json" {
            write_atomic(&dir.join("schemas"), name, text.as_bytes())?;
        }
    }
    let schema = Some("../schemas/unit.schema.json");
    let mut written = Vec::new();
    let mut units = String::new();
    let gov_name = format!("{county}人民政府");
    written.push(write_atomic(
        dir,
        "县政府办.toml",
        unit_toml(
            &gov_name,
            &gov_name,
            UnitKind::CountyGovernment,
            &county,
            &[],
            Some("schemas/unit.schema.json"),
        )
        .as_bytes(),
    )?);
    units.push_str("[[units]]\npath = \"县政府办.toml\"\n\n");
    let mut dept_names: Vec<(String, Vec<u8>)> = Vec::new();
    for d in &departments {
        let name = if d.starts_with(&county) {
            d.clone()
        } else {
            format!("{county}{}", d.trim_start_matches('县'))
        };
        let domains = department_domains(&name);
        let file = format!("{}.toml", safe_file_name(d.trim_start_matches('县')));
        written.push(write_atomic(
            &dir.join("departments"),
            &file,
            unit_toml(
                &name,
                &name,
                UnitKind::CountyDepartment,
                &county,
                &domains,
                schema,
            )
            .as_bytes(),
        )?);
        let _ = write!(units, "[[units]]\npath = \"departments/{file}\"\n\n");
        dept_names.push((name, domains));
    }
    let tdomains = town_domains(store);
    for (list, kind, folder) in [
        (&towns, UnitKind::Township, "towns"),
        (&req.subdistricts, UnitKind::Subdistrict, "subdistricts"),
    ] {
        for t in list {
            let full = format!(
                "{county}{t}{}",
                if kind == UnitKind::Township {
                    "人民政府"
                } else {
                    "办事处"
                }
            );
            let file = format!("{}.toml", safe_file_name(t));
            written.push(write_atomic(
                &dir.join(folder),
                &file,
                unit_toml(t, &full, kind, &county, &tdomains, schema).as_bytes(),
            )?);
            let _ = write!(units, "[[units]]\npath = \"{folder}/{file}\"\n\n");
        }
    }
    let mut project = String::new();
    let _ = writeln!(project, "#:schema schemas/county.schema.json");
    let _ = writeln!(project, "# {county}基层政务公开事项标准目录项目（由 gkml init 生成）。gkml compile 本文件夹 -o out 编译全部单位。");
    let _ = writeln!(project, "county = {}\n", q(&county));
    project.push_str(&units);
    project.push_str("# 责任分工表：每个领域的牵头单位和配合单位（单位简称或分组：各乡镇、各街办、县直各部门）。\n");
    for d in DOMAINS {
        let leads: Vec<&String> = dept_names
            .iter()
            .filter(|(_, ds)| ds.contains(&d.id))
            .map(|(n, _)| n)
            .collect();
        let mut coop: Vec<&str> = Vec::new();
        if tdomains.contains(&d.id) {
            if !towns.is_empty() {
                coop.push("各乡镇");
            }
            if !req.subdistricts.is_empty() {
                coop.push("各街办");
            }
        }
        if leads.is_empty() && coop.is_empty() {
            continue;
        }
        let _ = write!(
            project,
            "\n[[responsibility]]\ndomain = {}\nlead = [{}]\ncooperating = [{}]\n",
            q(d.name),
            leads.iter().map(|l| q(l)).collect::<Vec<_>>().join(", "),
            coop.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
        );
    }
    written.insert(0, write_atomic(dir, "county.toml", project.as_bytes())?);
    for p in &written {
        eprintln!("已写出 {}", p.display());
    }
    eprintln!("下一步：gkml compile {} -o out", dir.display());
    Ok(Exit::Ok)
}

fn init_unit(req: &Request, county: &str, store: &Store) -> Result<Exit, Error> {
    let kind_text = match req.kind.clone() {
        Some(k) => k,
        None => ask("单位类别（县政府/县直部门/乡镇/街道）：")?.ok_or_else(|| {
            Error::Usage("请用 --kind 指定单位类别：县政府、县直部门、乡镇 或 街道".into())
        })?,
    };
    let kind = UnitKind::parse(&kind_text).ok_or_else(|| {
        Error::Usage(format!(
            "--kind “{kind_text}” 无法识别：写 县政府、县直部门、乡镇 或 街道"
        ))
    })?;
    let name = match req.name.clone() {
        Some(n) => n,
        None => ask("单位简称，如 鱼岳镇：")?
            .ok_or_else(|| Error::Usage("请用 --name 指定单位简称，如 --name 鱼岳镇".into()))?,
    };
    let domains: Vec<u8> = if req.domains.is_empty() {
        match kind {
            UnitKind::Township | UnitKind::Subdistrict => town_domains(store),
            UnitKind::CountyDepartment => department_domains(&name),
            UnitKind::CountyGovernment => Vec::new(),
        }
    } else {
        let mut ids = Vec::new();
        for d in &req.domains {
            match crate::domains::lookup(d) {
                SectionKey::Domain(id) => ids.push(id),
                _ => {
                    return Err(Error::Usage(format!(
                        "“{d}”不是试点领域；gkml domains 可列出全部领域"
                    )))
                }
            }
        }
        ids
    };
    let full = match kind {
        UnitKind::Township => format!("{county}{name}人民政府"),
        UnitKind::Subdistrict => format!("{county}{name}办事处"),
        UnitKind::CountyGovernment => format!("{county}人民政府"),
        UnitKind::CountyDepartment if name.starts_with(county) => name.clone(),
        UnitKind::CountyDepartment => format!("{county}{name}"),
    };
    let (dir, file) = crate::fsutil::split_output(&req.path);
    // A unit file on its own has no schema beside it to point at.
    let text = unit_toml(&name, &full, kind, county, &domains, None);
    let p = write_atomic(dir, &file, text.as_bytes())?;
    eprintln!("已写出 {}", p.display());
    eprintln!("下一步：gkml compile {} -o out", p.display());
    Ok(Exit::Ok)
}

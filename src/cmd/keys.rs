//! `gkml keys PROJECT --unit NAME | --admin`: make or rotate an upload key of `gkml serve`.
//! The key is printed once, alone on its line on standard output (so a script can take it);
//! only its digest is written, to `PROJECT/.gkml/keys.toml`.

use std::path::Path;

use super::Exit;
use crate::catalogues::Store;
use crate::check::Checks;
use crate::error::Error;
use crate::serve::keys::{Holder, KeyFile};

/// Run `keys`.
///
/// # Errors
/// [`Error::Usage`] for a folder that is not a project or a unit it does not list;
/// [`Error::Write`] when keys.toml cannot be written.
pub fn run(project: &Path, unit: Option<&str>, admin: bool, store: &Store) -> Result<Exit, Error> {
    let county_toml = crate::serve::county_toml(project)?;
    let dir = crate::serve::project_dir(&county_toml);
    let holder = match (unit, admin) {
        (_, true) => Holder::Admin,
        (Some(u), false) => {
            let slots = crate::serve::unit_slots(&county_toml, store, &Checks::default())?;
            if !slots.iter().any(|s| s.name == u) {
                let names: Vec<&str> = slots.iter().map(|s| s.name.as_str()).collect();
                return Err(Error::Usage(format!(
                    "项目中没有简称为“{u}”的单位；项目中的单位：{}",
                    names.join("、")
                )));
            }
            Holder::Unit(u.to_string())
        }
        (None, false) => {
            return Err(Error::Usage(
                "请用 --unit NAME 或 --admin 指明密钥给谁".into(),
            ))
        }
    };
    let mut file = KeyFile::load(&dir)?;
    let rotated = match &holder {
        Holder::Admin => file.admin.is_some(),
        Holder::Unit(u) => file.units.contains_key(u),
    };
    let key = file.issue(&holder, &crate::serve::store::now_rfc3339())?;
    file.save(&dir)?;
    let who = match &holder {
        Holder::Admin => "县政务公开办（可上传任何单位）".to_string(),
        Holder::Unit(u) => format!("“{u}”"),
    };
    eprintln!(
        "已为{who}生成上传密钥{}。密钥只显示这一次，请妥善转交：",
        if rotated {
            "，旧密钥即刻作废"
        } else {
            ""
        }
    );
    super::print_out(&format!("{key}\n"))?;
    Ok(Exit::Ok)
}

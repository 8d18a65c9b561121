//! The reference catalogues a unit starts from: the ones embedded in the binary, or the ones in
//! a folder given with `--catalogues DIR`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::diag::Diagnostic;
use crate::domains::SectionKey;
use crate::model::Catalogue;
use crate::read::codes;
use crate::read::toml::{parse, TomlDoc};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Reference catalogues by section.
#[derive(Debug, Default)]
pub struct Store {
    by_key: HashMap<SectionKey, Catalogue>,
}

impl Store {
    /// The catalogues built into gkml (parsed once per process).
    pub fn embedded() -> &'static Store {
        static STORE: OnceLock<Store> = OnceLock::new();
        STORE.get_or_init(|| {
            let (store, _diags) = Store::from_texts(
                EMBEDDED
                    .iter()
                    .map(|(name, text)| (format!("catalogues/{name}"), (*text).to_string())),
            );
            store
        })
    }

    /// Read every `*.toml` reference catalogue in a folder (not recursive).
    ///
    /// # Errors
    /// Returns a GK001 diagnostic when the folder cannot be listed. Problems in single files
    /// come back in the diagnostics list and the file is skipped.
    pub fn from_dir(dir: &Path) -> Result<(Store, Vec<Diagnostic>), Diagnostic> {
        let file: Arc<str> = Arc::from(dir.display().to_string());
        let rd = std::fs::read_dir(dir).map_err(|e| {
            Diagnostic::new(
                &codes::FILE_UNREADABLE,
                format!("无法读取参考目录文件夹：{e}"),
            )
            .in_file(&file)
            .hint("检查 --catalogues 指定的文件夹路径")
        })?;
        let mut paths: Vec<_> = rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut texts = Vec::new();
        let mut diags = Vec::new();
        for p in paths {
            let name = p.display().to_string();
            match std::fs::read_to_string(&p) {
                Ok(t) => texts.push((name, t)),
                Err(e) => diags.push(crate::read::unreadable(&Arc::from(name), &e)),
            }
        }
        let (store, more) = Store::from_texts(texts.into_iter());
        diags.extend(more);
        Ok((store, diags))
    }

    fn from_texts(texts: impl Iterator<Item = (String, String)>) -> (Store, Vec<Diagnostic>) {
        let mut store = Store::default();
        let mut diags = Vec::new();
        for (name, text) in texts {
            let file: Arc<str> = Arc::from(name);
            let (doc, d) = parse(&file, &text, Path::new("."));
            diags.extend(d);
            if let Some(TomlDoc::Reference(cat)) = doc {
                if let Some(key) = cat.sections.first().map(|s| s.key.clone()) {
                    store.by_key.insert(key, cat);
                }
            }
        }
        (store, diags)
    }

    /// The reference catalogue for a section, if there is one.
    pub fn get(&self, key: &SectionKey) -> Option<&Catalogue> {
        self.by_key.get(key)
    }

    /// Number of reference items for a section (0 when there is no reference).
    pub fn item_count(&self, key: &SectionKey) -> usize {
        self.get(key).map(Catalogue::item_count).unwrap_or(0)
    }

    /// Every reference catalogue, in output order.
    pub fn all(&self) -> Vec<&Catalogue> {
        let mut v: Vec<&Catalogue> = self.by_key.values().collect();
        v.sort_by(|a, b| {
            let ka = a
                .sections
                .first()
                .map(|s| (s.key.order(), s.key.display_name().to_string()));
            let kb = b
                .sections
                .first()
                .map(|s| (s.key.order(), s.key.display_name().to_string()));
            ka.cmp(&kb)
        });
        v
    }
}

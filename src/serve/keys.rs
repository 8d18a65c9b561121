//! Upload keys, not accounts (issue 19): one random key per unit and one for the county
//! office. `PROJECT/.gkml/keys.toml` keeps only each key's SHA-256 digest, so the file can be
//! read by anyone who reads the project without handing out a key. A key is 32 bytes from the
//! operating system's random source, written as 64 hex digits: with 256 bits of entropy no
//! one can search the digests for it, so a fast hash is enough; a slow password hash (argon2)
//! guards guessable human passwords and would only add a dependency and time per upload.
//! Digests are compared in constant time (`subtle`) so a timing cannot reveal how much of a
//! guess was right.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Error;

/// The file under `PROJECT/.gkml/` that holds the digests.
pub const KEYS_FILE: &str = "keys.toml";

/// One stored key: its digest, a short id for the audit log, and when it was made.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyEntry {
    /// The first 8 hex digits of the digest: names the key in the audit log.
    pub id: String,
    /// SHA-256 of the key as printed (the 64 hex digits), in hex.
    pub sha256: String,
    /// When the key was made (UTC, RFC 3339).
    pub created: String,
}

/// `keys.toml`: the county office's key and each unit's, by the unit's short name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<KeyEntry>,
    #[serde(default)]
    pub units: BTreeMap<String, KeyEntry>,
}

/// Who a key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// The county office: may upload to any unit.
    Admin,
    /// One unit (short name): may upload only to it.
    Unit(String),
}

impl Holder {
    /// Whether this holder may upload drafts of `unit`.
    pub fn may_upload(&self, unit: &str) -> bool {
        match self {
            Holder::Admin => true,
            Holder::Unit(u) => u == unit,
        }
    }
}

/// Hex of SHA-256 over `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Where the digests of a project live.
pub fn keys_path(project_dir: &Path) -> PathBuf {
    project_dir.join(crate::serve::STATE_DIR).join(KEYS_FILE)
}

impl KeyFile {
    /// Read `PROJECT/.gkml/keys.toml`; a missing file is an empty one.
    ///
    /// # Errors
    /// [`Error::Usage`] when the file exists but cannot be read or parsed.
    pub fn load(project_dir: &Path) -> Result<KeyFile, Error> {
        let path = keys_path(project_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(KeyFile::default()),
            Err(e) => {
                return Err(Error::Usage(format!(
                    "无法读取密钥文件 {}：{e}",
                    path.display()
                )))
            }
        };
        toml::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "密钥文件 {} 无法解析：{}",
                path.display(),
                e.message()
            ))
        })
    }

    /// Write the file atomically (temporary file, fsync, rename) inside `PROJECT/.gkml/`.
    ///
    /// # Errors
    /// [`Error::Write`] when the folder or file cannot be written.
    pub fn save(&self, project_dir: &Path) -> Result<(), Error> {
        let body = toml::to_string(self).map_err(|e| Error::Write {
            path: keys_path(project_dir),
            source: std::io::Error::other(e.to_string()),
        })?;
        let text = format!(
            "# gkml serve 的上传密钥：只存 SHA-256 摘要，不存密钥本身。由 gkml keys 写入，请勿手改。\n{body}"
        );
        crate::fsutil::write_atomic(
            &project_dir.join(crate::serve::STATE_DIR),
            KEYS_FILE,
            text.as_bytes(),
        )
        .map(|_| ())
    }

    /// Make a new key for `holder`, replacing any key it had; returns the key to print once.
    ///
    /// # Errors
    /// [`Error::Usage`] when the system has no random source.
    pub fn issue(&mut self, holder: &Holder, now: &str) -> Result<String, Error> {
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw)
            .map_err(|e| Error::Usage(format!("无法取得系统随机数，未生成密钥：{e}")))?;
        let key = hex(&raw);
        let digest = sha256_hex(key.as_bytes());
        let entry = KeyEntry {
            id: digest.chars().take(8).collect(),
            sha256: digest,
            created: now.to_string(),
        };
        match holder {
            Holder::Admin => self.admin = Some(entry),
            Holder::Unit(u) => {
                self.units.insert(u.clone(), entry);
            }
        }
        Ok(key)
    }

    /// Whose key `token` is, with the key's id. Every stored digest is compared, in constant
    /// time, whatever matched before, so the time taken does not depend on which key it is.
    pub fn verify(&self, token: &str) -> Option<(Holder, String)> {
        let token = token.trim();
        if token.is_empty() {
            return None;
        }
        let digest = Sha256::digest(token.as_bytes());
        let mut found = None;
        let entries = self
            .admin
            .iter()
            .map(|e| (Holder::Admin, e))
            .chain(self.units.iter().map(|(u, e)| (Holder::Unit(u.clone()), e)));
        for (holder, entry) in entries {
            let Some(stored) = unhex(&entry.sha256) else {
                continue;
            };
            if bool::from(stored.as_slice().ct_eq(digest.as_slice())) && found.is_none() {
                found = Some((holder, entry.id.clone()));
            }
        }
        found
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

/// The bearer token of an `Authorization` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_key_verifies_as_its_holder_and_is_not_stored() {
        let mut f = KeyFile::default();
        let k = f
            .issue(&Holder::Unit("民政局".into()), "t")
            .unwrap_or_default();
        let a = f.issue(&Holder::Admin, "t").unwrap_or_default();
        assert_eq!(k.len(), 64);
        assert!(k.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(k, a);
        assert_eq!(
            f.verify(&k).map(|h| h.0),
            Some(Holder::Unit("民政局".into()))
        );
        assert_eq!(f.verify(&a).map(|h| h.0), Some(Holder::Admin));
        let text = toml::to_string(&f).unwrap_or_default();
        assert!(!text.contains(&k) && !text.contains(&a));
    }

    #[test]
    fn rotating_a_key_invalidates_the_old_one() {
        let mut f = KeyFile::default();
        let old = f.issue(&Holder::Admin, "t").unwrap_or_default();
        let new = f.issue(&Holder::Admin, "t").unwrap_or_default();
        assert!(f.verify(&old).is_none());
        assert!(f.verify(&new).is_some());
    }

    #[test]
    fn wrong_empty_and_truncated_keys_are_refused() {
        let mut f = KeyFile::default();
        let k = f.issue(&Holder::Admin, "t").unwrap_or_default();
        assert!(f.verify("").is_none());
        assert!(f.verify(&k[..63]).is_none());
        assert!(f.verify(&k.to_uppercase()).is_none());
    }

    #[test]
    fn a_unit_key_uploads_only_to_its_unit() {
        assert!(Holder::Unit("甲".into()).may_upload("甲"));
        assert!(!Holder::Unit("甲".into()).may_upload("乙"));
        assert!(Holder::Admin.may_upload("乙"));
    }

    #[test]
    fn bearer_takes_the_token_of_any_case_scheme() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("abc"), None);
    }
}

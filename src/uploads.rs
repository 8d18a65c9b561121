//! The uploads store of `gkml serve` (issue 19; `serve::store`): every accepted draft kept under
//! `PROJECT/.gkml/uploads/<unit>/<sha256>/<unit>.<ext>`, content-addressed (identical bytes
//! are one file however often they are sent), and an append-only audit log
//! `PROJECT/.gkml/uploads/audit.jsonl`, one JSON object a line.
//!
//! Why a JSON-lines file and not SQLite: the log is only ever appended to and read whole
//! (a county has tens of units and a few hundred uploads a year), one process writes it, and
//! a torn last line after a crash is simply skipped on reading; bundled SQLite would add a C
//! build to every CI run (twice: clippy and test) for none of its strengths.
//!
//! Why the stored file is named after the unit: a draft with no title names its unit by its
//! file name, as on the command line; the client's file name is only ever logged, never
//! used as a path. Writes are atomic: a draft is streamed to a temporary file, synced, and
//! renamed into place; its log line is appended and synced only after that, so a crash at
//! any point leaves the previous state (at most an unreferenced file).
//!
//! [`substitutes`] is the hook `project::load` calls: the latest accepted upload of a unit
//! takes the place of the file county.toml names for it, on the command line too. That is
//! why this is a top-level module below `project` and not inside `serve`, which sits above
//! it (tests/pipeline.rs forbids module cycles).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::fsutil::safe_file_name;

/// The folder inside a county project where serve and keys keep their state.
pub const STATE_DIR: &str = ".gkml";
/// The folder of uploads under `PROJECT/.gkml/`.
pub const UPLOADS_DIR: &str = "uploads";
/// The audit log in the uploads folder.
pub const LOG_FILE: &str = "audit.jsonl";
/// The file a running `gkml serve` holds locked, in `STATE_DIR`.
pub const LOCK_FILE: &str = "serve.lock";

/// Lock a project for one server, for as long as the returned file is open: a second
/// `gkml serve` on the same project is refused. One server numbers the versions from the
/// log it holds, clears `.incoming/` at start, and appends the log: two would give two
/// uploads the same version and one would delete the other's uploads in flight. The lock is
/// the operating system's (flock on Unix, LockFileEx on Windows), so a server that was
/// killed leaves no stale lock behind. The command line only reads the store and takes none.
///
/// # Errors
/// [`Error::Usage`] when another server holds the project; [`Error::Write`] when the lock
/// file cannot be made.
pub fn lock_for_server(project_dir: &Path) -> Result<std::fs::File, Error> {
    let dir = project_dir.join(STATE_DIR);
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let path = dir.join(LOCK_FILE);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Usage(format!(
            "另一个 gkml serve 正在为项目 {} 提供服务：同一项目只能运行一个（上传的版本号和审计日志由它独占写入）；请先停止那一个",
            project_dir.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(io_err(&path)(e)),
    }
}
/// Where drafts are streamed before they are judged.
const INCOMING_DIR: &str = ".incoming";

/// The extensions an upload may have; anything else is refused before it is read, and the
/// stored file only ever gets one of these.
pub const EXTENSIONS: [&str; 12] = [
    "xlsx", "xlsm", "xls", "ods", "csv", "tsv", "html", "htm", "docx", "doc", "wps", "toml",
];

/// What became of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Stored and standing as the unit's draft (errors in it or not).
    Accepted,
    /// Could not be read (a GK0xx error): not kept.
    Unreadable,
    /// Names another unit, or several: not kept.
    WrongUnit,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Record {
    /// UTC, RFC 3339.
    pub time: String,
    /// The unit's short name.
    pub unit: String,
    /// The id of the key that sent it (`KeyEntry::id`).
    pub key: String,
    /// `admin` or the unit the key belongs to.
    pub holder: String,
    /// The file name as the client sent it (logged, never used as a path).
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub result: Outcome,
    /// The unit's upload number, from 1, for accepted uploads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// The stored file, relative to the unit's folder, for accepted uploads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
    /// The unit file county.toml lists, relative to the project folder: what the upload
    /// stands in for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    #[serde(default)]
    pub items: usize,
    #[serde(default)]
    pub errors: usize,
    #[serde(default)]
    pub warnings: usize,
}

/// Now, UTC, as RFC 3339 to the second.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let day = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::date::Date::from_unix(secs).iso(),
        day / 3600,
        day % 3600 / 60,
        day % 60
    )
}

/// The extension an upload named `sent` is read as: its own, lower-cased, if gkml reads it.
pub fn upload_extension(sent: &str) -> Option<String> {
    // Only the last component counts, whichever separator the client used.
    let base = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    let (_, ext) = base.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    EXTENSIONS.contains(&ext.as_str()).then_some(ext)
}

/// The audit log of a project, read whole. Lines that do not parse (a line torn by a crash)
/// are skipped.
pub fn read_log(project_dir: &Path) -> Vec<Record> {
    let path = project_dir.join(STATE_DIR).join(UPLOADS_DIR).join(LOG_FILE);
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<Record>(l).ok())
        .collect()
}

/// The latest accepted upload of each unit, by unit.
pub fn latest_by_unit(records: &[Record]) -> BTreeMap<String, &Record> {
    let mut out = BTreeMap::new();
    for r in records.iter().filter(|r| r.result == Outcome::Accepted) {
        out.insert(r.unit.clone(), r);
    }
    out
}

/// Where the stored file of an accepted record is.
pub fn blob_path(project_dir: &Path, r: &Record) -> Option<PathBuf> {
    let blob = r.blob.as_deref()?;
    // The log is ours, but it is a file anyone with the folder can edit: never follow it out.
    if blob
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
        || blob.contains('\\')
    {
        return None;
    }
    Some(
        project_dir
            .join(STATE_DIR)
            .join(UPLOADS_DIR)
            .join(safe_file_name(&r.unit))
            .join(blob),
    )
}

/// The files that stand in for those county.toml lists: listed path → upload.
#[derive(Debug, Default)]
pub struct Substitutes {
    dir: PathBuf,
    by_slot: BTreeMap<PathBuf, PathBuf>,
}

impl Substitutes {
    /// The file to read for a unit county.toml lists at `listed`.
    pub fn path_for<'a>(&'a self, listed: &'a Path) -> &'a Path {
        listed
            .strip_prefix(&self.dir)
            .ok()
            .and_then(|rel| self.by_slot.get(rel))
            .map_or(listed, PathBuf::as_path)
    }
}

/// The uploads that stand in for a project's unit files (none when `enabled` is false, as
/// with `--no-uploads`, or when the project has no uploads).
pub fn substitutes(county_toml: &Path, enabled: bool) -> Substitutes {
    let dir = county_toml.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut by_slot = BTreeMap::new();
    if enabled {
        let log = read_log(&dir);
        for r in latest_by_unit(&log).values() {
            let (Some(slot), Some(blob)) = (r.slot.as_deref(), blob_path(&dir, r)) else {
                continue;
            };
            if blob.is_file() {
                by_slot.insert(PathBuf::from(slot), blob);
            }
        }
    }
    Substitutes { dir, by_slot }
}

/// A draft streamed to disk and not yet judged: `path` is named `<unit>.<ext>` so that the
/// reader takes the unit from it as it would from a file on the command line.
#[derive(Debug)]
pub struct Staged {
    pub path: PathBuf,
    /// The temporary folder holding it (removed when the upload is kept or dropped).
    pub dir: tempfile::TempDir,
    pub size: u64,
    pub sha256: String,
    pub ext: String,
}

/// The uploads of one project, with the audit log held in memory and appended under a lock
/// (uploads in flight at once get distinct versions and whole lines).
#[derive(Debug)]
pub struct Uploads {
    project_dir: PathBuf,
    root: PathBuf,
    log: Mutex<Vec<Record>>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_path_buf(),
        source: e,
    }
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

impl Uploads {
    /// Open (creating the folders of) a project's uploads.
    ///
    /// # Errors
    /// [`Error::Write`] when `PROJECT/.gkml/uploads` cannot be created.
    pub fn open(project_dir: &Path) -> Result<Uploads, Error> {
        let root = project_dir.join(STATE_DIR).join(UPLOADS_DIR);
        // Uploads a killed server was receiving are never resumed: they go, so that no
        // half-received file lingers (only the server, one per project, writes here).
        let _ = std::fs::remove_dir_all(root.join(INCOMING_DIR));
        std::fs::create_dir_all(root.join(INCOMING_DIR)).map_err(io_err(&root))?;
        Ok(Uploads {
            project_dir: project_dir.to_path_buf(),
            log: Mutex::new(read_log(project_dir)),
            root,
        })
    }

    /// The project folder.
    pub fn project_dir(&self) -> &Path {
        &self.project_dir
    }

    /// A copy of the audit log.
    pub fn records(&self) -> Vec<Record> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The accepted uploads of a unit, oldest first.
    pub fn history(&self, unit: &str) -> Vec<Record> {
        self.records()
            .into_iter()
            .filter(|r| r.unit == unit && r.result == Outcome::Accepted)
            .collect()
    }

    /// A fresh temporary folder for one incoming draft, and the path to stream it to.
    ///
    /// # Errors
    /// [`Error::Write`] when the folder cannot be made.
    pub fn incoming(&self, unit: &str, ext: &str) -> Result<(tempfile::TempDir, PathBuf), Error> {
        let base = self.root.join(INCOMING_DIR);
        let dir = tempfile::Builder::new()
            .prefix("up-")
            .tempdir_in(&base)
            .map_err(io_err(&base))?;
        let path = dir.path().join(format!("{}.{ext}", safe_file_name(unit)));
        Ok((dir, path))
    }

    /// Keep a judged draft: move it to its content address (unless those bytes are already
    /// there), then append its log line with the next version of the unit.
    ///
    /// # Errors
    /// [`Error::Write`] when the file cannot be moved or the log written; the log then has
    /// no line for it and the previous upload still stands.
    pub fn accept(&self, staged: Staged, mut rec: Record) -> Result<Record, Error> {
        let unit_dir = self.root.join(safe_file_name(&rec.unit));
        let blob_rel = format!(
            "{}/{}.{}",
            staged.sha256,
            safe_file_name(&rec.unit),
            staged.ext
        );
        let blob_dir = unit_dir.join(&staged.sha256);
        let target = unit_dir.join(&blob_rel);
        let mut log = self.log.lock().map_err(|_| Error::Write {
            path: self.root.join(LOG_FILE),
            source: std::io::Error::other("审计日志的锁已损坏"),
        })?;
        if !target.is_file() {
            std::fs::create_dir_all(&blob_dir).map_err(io_err(&blob_dir))?;
            std::fs::rename(&staged.path, &target).map_err(io_err(&target))?;
            sync_dir(&blob_dir);
            sync_dir(&unit_dir);
        }
        let version = log
            .iter()
            .filter(|r| r.unit == rec.unit && r.result == Outcome::Accepted)
            .count() as u32
            + 1;
        rec.result = Outcome::Accepted;
        rec.version = Some(version);
        rec.blob = Some(blob_rel);
        self.append(&rec)?;
        log.push(rec.clone());
        Ok(rec)
    }

    /// Log an upload that was not kept.
    ///
    /// # Errors
    /// [`Error::Write`] when the log cannot be written.
    pub fn refuse(&self, rec: Record) -> Result<(), Error> {
        let mut log = self.log.lock().map_err(|_| Error::Write {
            path: self.root.join(LOG_FILE),
            source: std::io::Error::other("审计日志的锁已损坏"),
        })?;
        self.append(&rec)?;
        log.push(rec);
        Ok(())
    }

    /// Append one line to the log and sync it. The caller holds the lock.
    fn append(&self, rec: &Record) -> Result<(), Error> {
        let path = self.root.join(LOG_FILE);
        let mut line = serde_json::to_string(rec).map_err(|e| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        // One write of the whole line: appends never interleave with another writer's.
        f.write_all(line.as_bytes()).map_err(io_err(&path))?;
        f.sync_all().map_err(io_err(&path))?;
        Ok(())
    }

    /// Where an accepted record's file is.
    pub fn blob(&self, rec: &Record) -> Option<PathBuf> {
        blob_path(&self.project_dir, rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(unit: &str, sha: &str) -> Record {
        Record {
            time: now_rfc3339(),
            unit: unit.into(),
            key: "k".into(),
            holder: "admin".into(),
            file: "../../etc/passwd.csv".into(),
            size: 3,
            sha256: sha.into(),
            result: Outcome::Accepted,
            version: None,
            blob: None,
            slot: Some("a.toml".into()),
            items: 0,
            errors: 0,
            warnings: 0,
        }
    }

    fn stage(up: &Uploads, unit: &str, bytes: &[u8]) -> Staged {
        let (dir, path) = up.incoming(unit, "csv").unwrap();
        std::fs::write(&path, bytes).unwrap();
        Staged {
            path,
            dir,
            size: bytes.len() as u64,
            sha256: crate::serve::keys::sha256_hex(bytes),
            ext: "csv".into(),
        }
    }

    #[test]
    fn identical_bytes_twice_are_one_blob_and_two_versions() {
        let tmp = tempfile::tempdir().unwrap();
        let up = Uploads::open(tmp.path()).unwrap();
        let s1 = stage(&up, "甲镇", b"a,b");
        let sha = s1.sha256.clone();
        let r1 = up.accept(s1, rec("甲镇", &sha)).unwrap();
        let r2 = up
            .accept(stage(&up, "甲镇", b"a,b"), rec("甲镇", &sha))
            .unwrap();
        assert_eq!((r1.version, r2.version), (Some(1), Some(2)));
        assert_eq!(r1.blob, r2.blob);
        let unit_dir = tmp.path().join(".gkml/uploads/甲镇");
        assert_eq!(std::fs::read_dir(&unit_dir).unwrap().count(), 1);
        // The log survives a reopen, and the client's name went nowhere near the disk.
        let again = Uploads::open(tmp.path()).unwrap();
        assert_eq!(again.history("甲镇").len(), 2);
        assert!(!tmp.path().join(".gkml/etc").exists());
    }

    #[test]
    fn a_torn_last_log_line_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let up = Uploads::open(tmp.path()).unwrap();
        let s = stage(&up, "甲镇", b"x");
        let sha = s.sha256.clone();
        up.accept(s, rec("甲镇", &sha)).unwrap();
        let log = tmp.path().join(".gkml/uploads/audit.jsonl");
        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        f.write_all(b"{\"time\":\"2026-").unwrap();
        assert_eq!(read_log(tmp.path()).len(), 1);
    }

    #[test]
    fn the_latest_accepted_upload_stands_in_for_its_slot() {
        let tmp = tempfile::tempdir().unwrap();
        let up = Uploads::open(tmp.path()).unwrap();
        let s = stage(&up, "甲镇", b"v1");
        let sha = s.sha256.clone();
        up.accept(s, rec("甲镇", &sha)).unwrap();
        let s = stage(&up, "甲镇", b"v2");
        let sha2 = s.sha256.clone();
        let last = up.accept(s, rec("甲镇", &sha2)).unwrap();
        let county = tmp.path().join("county.toml");
        let listed = tmp.path().join("a.toml");
        let subs = substitutes(&county, true);
        assert_eq!(subs.path_for(&listed), up.blob(&last).unwrap().as_path());
        assert_eq!(
            substitutes(&county, false).path_for(&listed),
            listed.as_path()
        );
        let other = tmp.path().join("b.toml");
        assert_eq!(subs.path_for(&other), other.as_path());
    }

    #[test]
    fn upload_extensions_are_from_a_fixed_list() {
        assert_eq!(upload_extension("草稿.XLSX").as_deref(), Some("xlsx"));
        assert_eq!(upload_extension("..\\..\\a.csv").as_deref(), Some("csv"));
        assert_eq!(upload_extension("a.exe"), None);
        assert_eq!(upload_extension("a.csv/"), None);
        assert_eq!(upload_extension("noext"), None);
    }

    #[test]
    fn a_log_line_cannot_point_outside_the_unit_folder() {
        let mut r = rec("甲镇", "x");
        r.blob = Some("../../../../etc/passwd".into());
        assert!(blob_path(Path::new("/p"), &r).is_none());
    }
}

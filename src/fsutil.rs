//! Safe output: file names made from unit names, atomic writes that stay inside the
//! output folder, and the one guard every writing verb goes through so that no output is,
//! or resolves to, a file the run reads (an annotated copy over its draft, a unit compiled
//! over itself, a `.bak` of a `.bak`).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;

/// Windows device names that cannot be file names, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file name (without extension) made from a unit name: path separators, characters Windows
/// forbids and control characters become `_`; no leading or trailing dots or spaces; device
/// names get a `_` prefix; at most 80 characters; never empty. `#` and `%` become `_` too,
/// so the name is also a safe URL path segment.
pub fn safe_file_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            // `#`, `%` and `?` are legal in file names but end or escape a URL path, so a
            // page linking to `甲#镇.html` would load `甲`; they are mapped like the rest.
            if c.is_control()
                || matches!(
                    c,
                    '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%'
                )
            {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    s = s
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if s.is_empty() {
        return "未命名".to_string();
    }
    if RESERVED
        .iter()
        .any(|r| r.eq_ignore_ascii_case(&s) || s.to_ascii_uppercase().starts_with(&format!("{r}.")))
    {
        s.insert(0, '_');
    }
    s
}

/// A file name as a relative link: ASCII other than letters, digits and `-._~()!*'+,;=@&$`
/// is percent-escaped (UTF-8), so `#`, `%`, `?`, spaces and quotes in a name cannot end the
/// path or start a fragment; Chinese is kept as written, which every browser reads.
pub fn href(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let keep = !c.is_ascii() || c.is_ascii_alphanumeric() || "-._~()!*'+,;=@&$".contains(c);
        if keep && !c.is_control() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Write `bytes` to `dir/name` atomically: a temporary file in the same folder, then a rename,
/// so a reader never sees half a file and an interrupted run leaves the old file intact.
///
/// # Errors
/// [`Error::Write`] when the folder cannot be created or written, or the name would leave it.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
    write_atomic_with(dir, name, |w| w.write_all(bytes))
}

/// Like [`write_atomic`], but the content is streamed by `fill` into the temporary file
/// (large JSON and CSV outputs are never held whole in memory).
///
/// # Errors
/// [`Error::Write`] when the folder cannot be created or written, or the name would leave it.
pub fn write_atomic_with(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<PathBuf, Error> {
    stage_atomic_with(dir, name, fill)?.commit()
}

/// Replace an input with its corrected text (`validate --fix`, the one verb allowed to
/// write a file it reads), atomically like every other write.
///
/// # Errors
/// [`Error::Write`] when the file cannot be written.
pub fn replace_input(path: &Path, bytes: &[u8]) -> Result<PathBuf, Error> {
    let (dir, name) = split_output(path);
    write_unguarded(dir, &name, |w| w.write_all(bytes))
}

fn write_unguarded(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<PathBuf, Error> {
    stage_unguarded(dir, name, fill)?.commit()
}

/// Like [`write_atomic_with`], in two steps: the content is written to the temporary file
/// now, and [`Staged::commit`] makes it durable and puts it in place. `compile` commits each
/// output on a thread of its own while it writes the next one: the sync is a wait for the
/// disk (25–45 ms for each of a province table's outputs), not work for a core.
///
/// # Errors
/// As [`write_atomic_with`], for the writing.
pub fn stage_atomic_with(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, Error> {
    refuse_input(&dir.join(name))?;
    stage_unguarded(dir, name, fill)
}

/// An output written in full to its temporary file in the output folder, not yet in place.
/// Dropped without [`Staged::commit`], the temporary is removed and the old file (if any)
/// stays as it was.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// Sync the file, rename it over its name, sync the folder.
    ///
    /// # Errors
    /// [`Error::Write`] when the file cannot be synced or renamed.
    pub fn commit(self) -> Result<PathBuf, Error> {
        let Staged { tmp, path } = self;
        let wrap = |e: std::io::Error| Error::Write {
            path: path.clone(),
            source: e,
        };
        tmp.as_file().sync_all().map_err(wrap)?;
        tmp.persist(&path).map_err(|e| wrap(e.error))?;
        // The rename is only durable once the folder itself is synced (a power cut could
        // otherwise bring back the old name); a folder that cannot be opened is not an error.
        #[cfg(unix)]
        if let Some(d) = path.parent().and_then(|d| std::fs::File::open(d).ok()) {
            let _ = d.sync_all();
        }
        Ok(path)
    }
}

fn stage_unguarded(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, Error> {
    let path = dir.join(name);
    if path.parent() != Some(dir) || name.contains(['/', '\\']) || name == ".." {
        return Err(Error::Write {
            path,
            source: std::io::Error::other("文件名会写到输出文件夹之外"),
        });
    }
    let wrap = |e: std::io::Error| Error::Write {
        path: path.clone(),
        source: e,
    };
    std::fs::create_dir_all(dir).map_err(wrap)?;
    clean_stale_temporaries(dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(".gkml-")
        .tempfile_in(dir)
        .map_err(wrap)?;
    #[cfg(unix)]
    tmp.as_file()
        .set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .map_err(wrap)?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        fill(&mut w).map_err(wrap)?;
        w.flush().map_err(wrap)?;
    }
    Ok(Staged { tmp, path })
}

/// The files `compile` writes for a unit named `unit` in `dir` (one per extension), for
/// [`guard_outputs`].
pub fn unit_outputs<'a>(
    dir: &'a Path,
    unit: &str,
    exts: &'a [&str],
) -> impl Iterator<Item = PathBuf> + 'a {
    let stem = safe_file_name(unit);
    exts.iter().map(move |e| dir.join(format!("{stem}.{e}")))
}

/// The county files `compile PROJECT` and `summary` write beside the units' files.
pub const COUNTY_FILES: [&str; 6] = [
    "index.html",
    "汇总表.xlsx",
    "汇总表.html",
    "覆盖情况.csv",
    "责任分工.csv",
    "全县汇总目录.csv",
];

/// How old a `.gkml-XXXXXX` temporary must be before a later run removes it: no run of gkml
/// writes one file for an hour, so an older one was left by a run that was killed.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Remove temporaries of interrupted runs (`.gkml-XXXXXX` older than an hour) from an output
/// folder, once per folder and process. A kill -9 or a power cut skips tempfile's own
/// clean-up, and nothing else would ever remove them. Failures are ignored: this is tidying.
pub fn clean_stale_temporaries(dir: &Path) {
    static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    {
        let Ok(mut done) = CLEANED.lock() else { return };
        if !done
            .get_or_insert_with(HashSet::new)
            .insert(dir.to_path_buf())
        {
            return;
        }
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for e in rd.filter_map(Result::ok) {
        let name = e.file_name();
        if !name.to_string_lossy().starts_with(".gkml-") {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMPORARY);
        if meta.is_file() && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A file read by this run, as the output guard compares it.
struct Input {
    /// Shown in the refusal.
    path: PathBuf,
    /// Through every symlink and `..`.
    canonical: PathBuf,
    /// Device and inode: a hard link has another name but the same file.
    #[cfg(unix)]
    id: (u64, u64),
}

static INPUTS: Mutex<Vec<Input>> = Mutex::new(Vec::new());

/// Note that this run reads `path`: no later write or removal may touch it. Every file read
/// through `read::read_file` is noted, so every verb is covered, whatever it writes.
pub fn note_input(path: &Path) {
    let Ok(canonical) = path.canonicalize() else {
        return;
    };
    #[cfg(unix)]
    let Ok(meta) = std::fs::metadata(&canonical) else {
        return;
    };
    let input = Input {
        path: path.to_path_buf(),
        canonical,
        #[cfg(unix)]
        id: {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        },
    };
    if let Ok(mut v) = INPUTS.lock() {
        v.push(input);
    }
}

/// A path made absolute and resolved through symlinks and `..`, also when it does not
/// exist yet: its longest existing ancestor is canonicalised and the rest is appended, with
/// `.` and `..` applied by name (a folder that does not exist cannot be a link).
pub fn resolve(path: &Path) -> PathBuf {
    if let Ok(c) = path.canonicalize() {
        return c;
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut base = abs.as_path();
    let mut rest: Vec<Component> = Vec::new();
    let mut out = loop {
        if let Ok(c) = base.canonicalize() {
            break c;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(p), Some(last)) => {
                rest.push(last);
                base = p;
            }
            _ => break PathBuf::from("/"),
        }
    };
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // The last name may itself be an existing link (`missing/../link.xlsx`).
    out.canonicalize().unwrap_or(out)
}

/// Refuse to write or remove `output` when it is, or resolves to, a file this run reads.
///
/// # Errors
/// [`Error::OverwritesInput`] naming both.
pub fn refuse_input(output: &Path) -> Result<(), Error> {
    let Ok(inputs) = INPUTS.lock() else {
        return Ok(());
    };
    if inputs.is_empty() {
        return Ok(());
    }
    let resolved = resolve(output);
    #[cfg(unix)]
    let id = std::fs::metadata(&resolved).ok().map(|m| {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    });
    for i in inputs.iter() {
        #[cfg(unix)]
        let same_file = id == Some(i.id);
        #[cfg(not(unix))]
        let same_file = false;
        if same_file || i.canonical == resolved {
            return Err(Error::OverwritesInput {
                output: output.to_path_buf(),
                input: i.path.clone(),
            });
        }
    }
    Ok(())
}

/// The guard every writing verb calls once it knows its inputs and before it writes
/// anything: `inputs` are noted (with every file read so far), then every planned output is
/// checked, so a refusal leaves every file as it was.
///
/// # Errors
/// [`Error::OverwritesInput`] for the first output that is an input.
pub fn guard_outputs<I, P>(inputs: &[&Path], outputs: I) -> Result<(), Error>
where
    I: IntoIterator<Item = P>,
    P: AsRef<Path>,
{
    for i in inputs {
        note_input(i);
    }
    for o in outputs {
        refuse_input(o.as_ref())?;
    }
    Ok(())
}

/// The folder and file name of an output path given on the command line (`-o out.xlsx`),
/// for [`write_atomic`]: a bare name is in the current folder.
pub fn split_output(path: &Path) -> (&Path, String) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    (dir, name)
}

/// Remove a previous output if it exists (a unit that now has errors must not leave a stale,
/// valid-looking catalogue behind).
///
/// # Errors
/// [`Error::Write`] when the file exists and cannot be removed.
pub fn remove_stale(dir: &Path, name: &str) -> Result<(), Error> {
    let path = dir.join(name);
    refuse_input(&path)?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Write { path, source: e }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_become_safe_file_names() {
        assert_eq!(safe_file_name("鱼岳镇"), "鱼岳镇");
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name(".."), "未命名");
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("con.txt"), "_con.txt");
        assert_eq!(safe_file_name("a\u{0}b\nc"), "a_b_c");
        assert_eq!(safe_file_name("名称. "), "名称");
        assert_eq!(safe_file_name("<script>"), "_script_");
        assert_eq!(safe_file_name("甲#镇%20?"), "甲_镇_20_");
    }

    #[test]
    fn links_escape_what_would_end_a_url_path() {
        assert_eq!(href("甲#镇.html"), "甲%23镇.html");
        assert_eq!(href("a b%?\u{7f}.html"), "a%20b%25%3F%7F.html");
        assert_eq!(href("乐昌镇(一).html"), "乐昌镇(一).html");
    }

    #[test]
    fn output_paths_resolve_through_missing_folders_and_dots() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().canonicalize().expect("canonical");
        assert_eq!(
            resolve(&dir.path().join("missing/../a/./b.xlsx")),
            real.join("a/b.xlsx")
        );
    }

    #[test]
    fn stale_temporaries_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = dir.path().join(".gkml-old");
        let fresh = dir.path().join(".gkml-new");
        std::fs::write(&old, b"x").expect("write");
        std::fs::write(&fresh, b"x").expect("write");
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .and_then(|f| f.set_modified(two_hours_ago))
            .expect("age the file");
        clean_stale_temporaries(dir.path());
        assert!(!old.exists(), "an interrupted run's temporary is removed");
        assert!(fresh.exists(), "a running writer's temporary is kept");
    }

    #[test]
    fn atomic_write_replaces_and_refuses_escapes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write_atomic(dir.path(), "a.csv", b"one").expect("write");
        write_atomic(dir.path(), "a.csv", b"two").expect("rewrite");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        assert!(write_atomic(dir.path(), "../x.csv", b"x").is_err());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .filter_map(Result::ok)
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary files are left behind");
    }

    /// A staged output is not in place until committed: the old file stays as it was, a
    /// staged output dropped uncommitted leaves nothing behind, and a commit replaces it.
    #[test]
    fn a_staged_output_replaces_the_old_file_only_when_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write_atomic(dir.path(), "a.html", b"old").expect("write");
        let names = || -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir.path())
                .expect("ls")
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let dropped =
            stage_atomic_with(dir.path(), "a.html", |w| w.write_all(b"new")).expect("stage");
        assert_eq!(std::fs::read(&p).expect("read"), b"old");
        drop(dropped);
        assert_eq!(names(), ["a.html"], "the temporary is removed");
        assert_eq!(std::fs::read(&p).expect("read"), b"old");
        let staged =
            stage_atomic_with(dir.path(), "a.html", |w| w.write_all(b"new")).expect("stage");
        assert_eq!(std::fs::read(&p).expect("read"), b"old");
        assert_eq!(staged.commit().expect("commit"), p);
        assert_eq!(std::fs::read(&p).expect("read"), b"new");
        assert_eq!(names(), ["a.html"]);
        assert!(stage_atomic_with(dir.path(), "../x.html", |w| w.write_all(b"x")).is_err());
    }
}

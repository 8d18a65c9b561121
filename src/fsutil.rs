//! Safe output: file names made from unit names, and atomic writes that stay inside the
//! output folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Windows device names that cannot be file names, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file name (without extension) made from a unit name: path separators, characters Windows
/// forbids and control characters become `_`; no leading or trailing dots or spaces; device
/// names get a `_` prefix; at most 80 characters; never empty.
pub fn safe_file_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
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
    tmp.as_file().sync_all().map_err(wrap)?;
    tmp.persist(&path).map_err(|e| wrap(e.error))?;
    Ok(path)
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
}

//! Reasons a command cannot go on (exit 2). Problems in the user's data are diagnostics, not
//! errors.

use std::path::PathBuf;

/// A failure that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An output file or folder could not be written.
    #[error("无法写入 {path}：{}", explain(.source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An output path is, or resolves to (through symlinks, `..` or a hard link), a file the
    /// same run reads: writing it would destroy the input.
    #[error("输出 {output} 就是输入文件 {input}（或经链接、“..”指向它）：为免覆盖输入，未写出任何文件；请把输出写到别处")]
    OverwritesInput { output: PathBuf, input: PathBuf },
    /// An input could not be read at all (its content problems are diagnostics, not this).
    #[error("无法读取 {path}：{}", explain(.source))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
}

/// Say in the clerk's words why a write failed.
fn explain(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => {
            "没有写入权限（文件可能正被 Excel/WPS 打开而锁定，或文件夹是只读的）".into()
        }
        K::NotADirectory => "输出路径中有一个同名文件，不是文件夹（-o 应指定文件夹）".into(),
        K::IsADirectory => "目标是一个文件夹，不能写成文件".into(),
        K::StorageFull => "磁盘已满".into(),
        K::ReadOnlyFilesystem => "所在的磁盘或分区是只读的".into(),
        K::NotFound => "路径不存在".into(),
        _ => e.to_string(),
    }
}

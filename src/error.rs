//! Reasons a command cannot go on (exit 2). Problems in the user's data are diagnostics, not
//! errors.

use std::path::PathBuf;

/// A failure that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An output file or folder could not be written.
    #[error("无法写入 {path}：{source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
}

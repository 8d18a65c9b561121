//! `gkml completions SHELL` and `gkml man`: generated from the clap definitions, so they
//! always match the real flags.

use crate::error::Error;

use super::Exit;

/// Print a completion script for `shell`.
///
/// # Errors
/// Only when stdout cannot be written.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit, Error> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "gkml", &mut buf);
    super::print_out(&String::from_utf8_lossy(&buf))?;
    Ok(Exit::Ok)
}

/// Print the manual page (roff).
///
/// # Errors
/// Only when stdout cannot be written.
pub fn man() -> Result<Exit, Error> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(crate::cli::command())
        .render(&mut buf)
        .map_err(|e| Error::Write {
            path: "<stdout>".into(),
            source: e,
        })?;
    super::print_out(&String::from_utf8_lossy(&buf))?;
    Ok(Exit::Ok)
}

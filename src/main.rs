//! The `gkml` binary: parse the command line, run the verb, map the result to an exit code
//! (0 ok, 1 errors in the data, 2 unreadable input or bad command line; never 101).

use std::process::ExitCode;

use gkml::cli::Cli;
use gkml::cmd;

/// mimalloc instead of glibc's allocator: the reader thread allocates every cell and the
/// checking threads free them, and glibc serialises such cross-thread frees on its arena lock
/// (a tenth of a province-scale validate went to malloc, free and that lock).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Panics inside the workbook reader on corrupt files are caught and reported as GK001
/// (see `read::xlsx::guard`); do not print them as if gkml had crashed. Any other panic is a
/// bug and is printed as usual.
fn quiet_reader_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_reader = info
            .location()
            .is_some_and(|l| l.file().contains("/calamine-"));
        if !in_reader {
            default(info);
        }
    }));
}

/// Ordinary 4 KB pages for this process only: with transparent huge pages (which mimalloc
/// asks for), every fresh 2 MB region a thread touches becomes resident whole, and a
/// province-scale validate peaked 15–25 MB higher for the same wall time. Where the kernel
/// refuses, gkml runs as before.
fn small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn main() -> ExitCode {
    small_pages();
    quiet_reader_panics();
    let parsed = gkml::cli::command()
        .try_get_matches()
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.apply::<gkml::cli::Zh>().print();
            return ExitCode::from(code);
        }
    };
    match cmd::run(cli) {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("gkml: {e}");
            ExitCode::from(2)
        }
    }
}

//! The `gkml` binary: parse the command line, run the verb, map the result to an exit code
//! (0 ok, 1 errors in the data, 2 unreadable input or bad command line; never 101).

use std::process::ExitCode;

use clap::Parser;

use gkml::cli::Cli;
use gkml::cmd;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
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

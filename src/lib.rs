//! gkml（公开目录）: a compiler for China's grassroots government-affairs disclosure catalogues
//! (基层政务公开事项标准目录, 国办发〔2019〕54号). It reads catalogue definitions (TOML, CSV,
//! spreadsheets), validates them against the template and the regulation, and writes standard
//! tables.
//!
//! Layers, each using only those below it (tests/pipeline.rs holds that no two modules reach
//! each other):
//!
//! - `model`, `domains`, `deadline`, `date`, `limits`, `formula`, `escape`, `memo`, `text`, `error`,
//!   `fsutil`: the catalogue, its vocabulary and small utilities;
//! - `diag`: diagnostics as plain data (and the tally that caps them);
//! - `read`: one reader per format and the one table reader; they report only reading
//!   problems (GK0xx, `read::codes`) and record what they saw for the rules;
//! - `rules`: the registry and the pure checks, family by family;
//! - `catalogues`, `resolve`, `load`: the built-in references, a unit resolved against them,
//!   and reading one input end to end;
//! - `check`: the one entry point through which every verb runs the rules;
//! - `project`: a county's units, duties and coverage;
//! - `render`, `print`, `annotate`, `fix`, `import`: outputs for people and programs;
//! - `cli`, `cmd`: the verbs.

pub mod annotate;
pub mod catalogues;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod date;
pub mod deadline;
pub mod diag;
pub mod domains;
pub mod error;
pub mod escape;
pub mod fix;
pub mod formula;
pub mod fsutil;
pub mod fuzz;
pub mod import;
pub mod limits;
pub mod load;
pub mod memo;
pub mod model;
pub mod ordered;
pub mod print;

pub mod project;
pub mod read;
pub mod render;
pub mod resolve;
pub mod rules;
pub mod serve;
pub mod text;
pub mod uploads;

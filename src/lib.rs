//! gkml（公开目录）: a compiler for China's grassroots government-affairs disclosure catalogues
//! (基层政务公开事项标准目录, 国办发〔2019〕54号). It reads catalogue definitions (TOML, CSV,
//! spreadsheets), validates them against the template and the regulation, and writes standard
//! tables.
//!
//! Flow: `read` → `model` → `rules` → `diag`; `compile` adds `render`.

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
pub mod fix;
pub mod formula;
pub mod fsutil;
pub mod fuzz;
pub mod import;
pub mod limits;
pub mod load;
pub mod memo;
pub mod model;
pub mod print;
pub mod print_escape;
pub mod project;
pub mod read;
pub mod render;
pub mod resolve;
pub mod rules;
pub mod serve;
pub mod uploads;

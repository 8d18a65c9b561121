#![no_main]
//! cargo fuzz run deadline — the same function runs on stable in tests/fuzz.rs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| gkml::fuzz::deadline(data));

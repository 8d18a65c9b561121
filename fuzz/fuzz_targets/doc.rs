#![no_main]
//! cargo fuzz run doc — the same function runs on stable in tests/fuzz.rs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| gkml::fuzz::doc(data));

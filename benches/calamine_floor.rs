//! The floor for reading a workbook: calamine's own read of every cell of every sheet, with
//! nothing else. scripts/bench.sh times it beside `gkml validate` on the same file:
//! `GKML_XLSX=draft.xlsx cargo bench --bench calamine_floor`.

use calamine::{open_workbook_auto, Reader};

fn main() {
    let Ok(path) = std::env::var("GKML_XLSX") else {
        eprintln!("set GKML_XLSX to a workbook");
        return;
    };
    let started = std::time::Instant::now();
    let Ok(mut wb) = open_workbook_auto(&path) else {
        eprintln!("cannot open {path}");
        return;
    };
    let mut cells = 0usize;
    for name in wb.sheet_names().to_vec() {
        if let Ok(r) = wb.worksheet_range(&name) {
            cells += r.used_cells().count();
        }
    }
    println!(
        "calamine read {cells} cells in {:.3} s",
        started.elapsed().as_secs_f64()
    );
}

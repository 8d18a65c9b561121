//! Looking at the outputs as a person would: Chromium prints the HTML to PDF and takes a
//! screenshot; LibreOffice converts the XLSX to PDF. These need Debian's chromium,
//! libreoffice-calc-nogui and poppler-utils, so they are ignored in the plain `cargo test` and
//! run by `.ci/run` (which installs them) with `cargo test --test visual -- --ignored`.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn compile_town(out: &Path) {
    let o = gkml(&[
        "compile",
        "tests/fixtures/units/鱼岳镇.toml",
        "-o",
        out.to_str().expect("utf8"),
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium is installed (apt-get install chromium)")
}

/// (width, height) in points of every page, from `pdfinfo -l`.
fn page_sizes(pdf: &Path) -> Vec<(f64, f64)> {
    let o = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "999"])
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .filter_map(|l| {
            let nums: Vec<f64> = l
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            // "Page    2 size: 841.92 x 594.96 pts (A4)" → [2, 841.92, 594.96]
            (nums.len() >= 3).then(|| (nums[1], nums[2]))
        })
        .collect()
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let o = Command::new("pdftotext")
        .args(["-f", &p, "-l", &p, "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn is_a4_landscape((w, h): (f64, f64)) -> bool {
    (w - 842.0).abs() < 2.0 && (h - 595.0).abs() < 2.0
}

#[test]
#[ignore = "needs chromium and poppler-utils; run by .ci/run"]
fn html_prints_a4_landscape_with_the_header_repeated_on_page_2() {
    let dir = tempfile::tempdir().expect("tmp");
    compile_town(dir.path());
    let html = dir.path().join("鱼岳镇.html");
    let pdf = dir.path().join("html.pdf");
    let url = format!("file://{}", html.display());
    let o = chromium(
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
            &url,
        ],
        &dir.path().join("p1"),
    );
    assert!(
        pdf.exists(),
        "chromium wrote no PDF: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sizes = page_sizes(&pdf);
    assert!(sizes.len() >= 2, "{sizes:?}");
    assert!(sizes.iter().all(|s| is_a4_landscape(*s)), "{sizes:?}");
    let p2 = page_text(&pdf, 2);
    assert!(
        p2.contains("公开内容（要素）") && p2.contains("公开依据"),
        "header repeated on page 2:\n{p2}"
    );
    let shot = dir.path().join("html.png");
    chromium(
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,1000",
            &url,
        ],
        &dir.path().join("p2"),
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a real screenshot"
    );
}

#[test]
#[ignore = "needs libreoffice-calc-nogui and poppler-utils; run by .ci/run"]
fn libreoffice_converts_the_xlsx_to_landscape_a4_pdf() {
    let dir = tempfile::tempdir().expect("tmp");
    compile_town(dir.path());
    let o = Command::new("libreoffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path().join("pdf"))
        .arg(dir.path().join("鱼岳镇.xlsx"))
        .env("HOME", dir.path())
        .output()
        .expect("libreoffice is installed");
    let pdf = dir.path().join("pdf/鱼岳镇.pdf");
    assert!(
        pdf.exists(),
        "no PDF: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let sizes = page_sizes(&pdf);
    assert!(sizes.len() >= 4, "cover and three sections: {sizes:?}");
    assert!(sizes.iter().all(|s| is_a4_landscape(*s)), "{sizes:?}");
    let all: String = (1..=sizes.len()).map(|p| page_text(&pdf, p)).collect();
    assert!(all.contains("嘉鱼县鱼岳镇人民政府基层政务公开标准目录"));
    let squeezed: String = all.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        squeezed.contains(&format!("第2页共{}页", sizes.len())),
        "page footer"
    );
    // Every section page starts with the repeated two-row header.
    for p in 2..=sizes.len() {
        assert!(
            page_text(&pdf, p).contains("公开渠道和载体"),
            "page {p} has the header"
        );
    }
}

//! The workbook's zip deflated on every core. rust_xlsxwriter deflates the members of its zip
//! one after another on the thread that saves (for a large catalogue ≈ 40% of the workbook's
//! instructions, at level 6). The workbook is therefore saved at level 1 (zlib-rs's
//! `deflate_quick`, a fraction of level 6's cost), and [`repack`] writes the final zip: the
//! same members in the same order, with the same names, dates and attributes, each inflated
//! and deflated again at level 6 on rayon's threads — a workbook has one sheet per domain, so
//! the sheets keep both cores busy — and then written in order.

use std::io::{Read, Seek, Write};

use rayon::prelude::*;
use zip::write::{PreparedZipFile, SimpleFileOptions, ZipFileBuilder};
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The level the final zip is deflated at: rust_xlsxwriter's and zlib's default, as XlsxWriter
/// and Excel write.
const LEVEL: i64 = 6;

/// Write the zip that `open` reads to `out`, every deflated member deflated again at
/// [`LEVEL`], on rayon's threads. `open` is called once per thread that takes part, so that
/// each reads the source through its own handle.
///
/// The entries' names, order, dates, Unix permissions and methods are kept. The result is the
/// same bytes for the same source, whichever thread deflates which member.
///
/// # Errors
/// `open`'s and `out`'s errors, and a source that is not a readable zip (as `io::Error`).
pub fn repack<R, F>(open: F, out: &mut dyn Write) -> std::io::Result<()>
where
    R: Read + Seek,
    F: Fn() -> std::io::Result<R> + Sync,
{
    let count = ZipArchive::new(open()?)?.len();
    // Each member is compressed into memory (the whole compressed workbook, a few MB even at
    // 100,000 rows: no more than the one buffer `save_to_buffer` used to fill), then written
    // in order.
    let prepared = (0..count)
        .into_par_iter()
        .with_max_len(1)
        .map_init(
            || ZipArchive::new(open()?).map_err(std::io::Error::from),
            |archive, i| match archive {
                Ok(archive) => prepare(archive, i),
                Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
            },
        )
        .collect::<std::io::Result<Vec<PreparedZipFile>>>()?;
    let mut zip = ZipWriter::new_stream(out);
    for file in prepared {
        zip.add_prepared_file(file)?;
    }
    zip.finish()?.into_inner().flush()
}

/// Member `i` of `archive`, inflated and compressed again.
fn prepare<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    i: usize,
) -> std::io::Result<PreparedZipFile> {
    let mut member = archive.by_index(i)?;
    let mut options = SimpleFileOptions::default()
        .last_modified_time(member.last_modified().unwrap_or_default())
        .large_file(false);
    if let Some(mode) = member.unix_mode() {
        options = options.unix_permissions(mode);
    }
    options = if member.compression() == CompressionMethod::Stored {
        options.compression_method(CompressionMethod::Stored)
    } else {
        options
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(LEVEL))
    };
    let name = member.name()?.into_owned();
    let mut builder = ZipFileBuilder::new(name, options)?;
    std::io::copy(&mut member, &mut builder)?;
    Ok(builder.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn zip_of(level: i64, members: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut zip = ZipWriter::new_stream(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(level))
            .unix_permissions(0o600)
            .last_modified_time(zip::DateTime::default());
        for (name, data) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner().into_inner()
    }

    fn members() -> Vec<(&'static str, Vec<u8>)> {
        let sheet = |n: usize| {
            (0..n)
                .map(|r| format!("<row r=\"{r}\"><c t=\"inlineStr\"><is><t>行政许可事项{r}</t></is></c></row>"))
                .collect::<String>()
                .into_bytes()
        };
        vec![
            ("[Content_Types].xml", b"<Types/>".to_vec()),
            ("xl/worksheets/sheet1.xml", sheet(3000)),
            ("xl/worksheets/sheet2.xml", sheet(10)),
            ("xl/empty.xml", Vec::new()),
            ("docProps/app.xml", sheet(1)),
        ]
    }

    /// The members, their order, names, contents and attributes are kept, and the members
    /// are compressed as level 6 compresses them.
    #[test]
    fn repacking_a_level_1_zip_gives_level_6_members_in_order() {
        let members = members();
        let quick = zip_of(1, &members);
        let normal = zip_of(6, &members);
        let mut out = Vec::new();
        repack(|| Ok(Cursor::new(&quick[..])), &mut out).unwrap();
        let mut got = ZipArchive::new(Cursor::new(&out[..])).unwrap();
        let mut want = ZipArchive::new(Cursor::new(&normal[..])).unwrap();
        assert_eq!(got.len(), members.len());
        for (i, (name, data)) in members.iter().enumerate() {
            let (g_raw, g_meta) = {
                let mut f = got.by_index_raw(i).unwrap();
                let meta = (
                    f.name().unwrap().to_string(),
                    f.compression(),
                    f.crc32(),
                    f.size(),
                    f.unix_mode(),
                    f.last_modified(),
                );
                let mut raw = Vec::new();
                f.read_to_end(&mut raw).unwrap();
                (raw, meta)
            };
            let mut w = want.by_index_raw(i).unwrap();
            let mut w_raw = Vec::new();
            w.read_to_end(&mut w_raw).unwrap();
            assert_eq!(g_meta.0, *name);
            assert_eq!(g_meta.1, w.compression());
            assert_eq!(g_meta.2, w.crc32());
            assert_eq!(g_meta.3, data.len() as u64);
            assert_eq!(g_meta.4, Some(0o100_600));
            assert_eq!(g_meta.5, w.last_modified());
            // zlib-rs's output depends a little on how the input is split into writes (the
            // crate writes a sheet in pieces, repack in 8 KB copies), so the streams are level
            // 6's in size, not byte for byte.
            assert!(
                g_raw.len() <= w_raw.len() + w_raw.len() / 100 + 8,
                "{name}: {} bytes, level 6 gives {}",
                g_raw.len(),
                w_raw.len()
            );
            drop(w);
            let mut text = Vec::new();
            got.by_index(i).unwrap().read_to_end(&mut text).unwrap();
            assert_eq!(&text, data);
        }
        let mut again = Vec::new();
        repack(|| Ok(Cursor::new(&quick[..])), &mut again).unwrap();
        assert_eq!(out, again, "not the same bytes from run to run");
    }

    #[test]
    fn a_source_that_is_not_a_zip_is_an_error() {
        let mut out = Vec::new();
        assert!(repack(|| Ok(Cursor::new(&b"not a zip"[..])), &mut out).is_err());
    }
}

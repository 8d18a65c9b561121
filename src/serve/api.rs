//! The JSON API of `gkml serve` and the state every request shares. Uploads are judged by
//! the same library as the command line: `load::read_file` reads the draft, `check::Checks`
//! runs every rule, `project::load` (with the uploads standing in) gives the county view,
//! `render::summary` its 覆盖情况 rows.
//!
//! The order of answers to an upload is the issue's: 413 (from the body limit, possibly
//! before anything else), 401 without a valid key, 404 for an unknown unit, 403 with another
//! unit's key, then 422 for a file that cannot be read, 409 for a draft of another unit (or
//! several), else 200 with the diagnostics document and the stored `version`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequest, Path as AxPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::keys::{Holder, KeyFile};
use super::store::{Outcome, Record, Staged, Uploads};
use super::UnitSlot;
use crate::catalogues::Store;
use crate::check::Checks;
use crate::diag::{Diagnostic, Severity, Summary};
use crate::project::ProjectRun;

/// How two versions of a unit are compared: `gkml diff`'s own text, which lives above serve
/// (in `cmd`) and is handed in by whoever starts the server.
pub type Differ = fn(&[crate::model::Catalogue], &[crate::model::Catalogue]) -> String;

/// What county.toml says, as last read well: the county, the checks under its `[rules]`,
/// the units it lists, and the read itself (for the county view).
pub struct Project {
    pub county: String,
    /// The run's checks under the project's `[rules]`.
    pub checks: Checks,
    /// The units as county.toml lists them.
    pub slots: Vec<UnitSlot>,
    head: Arc<crate::load::FileRead>,
}

impl Project {
    /// Read county.toml as a project.
    ///
    /// # Errors
    /// What is wrong with it, in Chinese.
    fn read(
        county_toml: &std::path::Path,
        store: &Store,
        run_checks: &Checks,
    ) -> Result<Project, crate::error::Error> {
        let head = crate::load::read_file(county_toml, store, None, &run_checks.limits);
        let Some(spec) = head.project.as_ref() else {
            return Err(crate::error::Error::Usage(
                crate::print::to_text(&head.diags).trim_end().to_string(),
            ));
        };
        let checks = run_checks.for_project(&spec.rules).map_err(|d| {
            crate::error::Error::Usage(crate::print::to_text(&[d]).trim_end().to_string())
        })?;
        let slots = super::unit_slots(county_toml, store, &checks)?;
        Ok(Project {
            county: spec.county.clone(),
            checks,
            slots,
            head: Arc::new(head),
        })
    }

    pub fn slot(&self, name: &str) -> Option<&UnitSlot> {
        self.slots.iter().find(|s| s.name == name)
    }
}

/// What was last seen of county.toml on disk: its size and time (looked at on every
/// request: one `stat`), and a hash of its bytes (read only when those change, so that a
/// save without a change reads nothing again).
#[derive(Default)]
struct Seen {
    stamp: Option<(u64, std::time::SystemTime)>,
    sha256: [u8; 32],
    /// Why the file on disk is not the project served, in Chinese.
    problem: Option<String>,
}

/// What every request shares.
pub struct App {
    pub county_toml: PathBuf,
    pub dir: PathBuf,
    pub store: &'static Store,
    /// The run's checks before the project's `[rules]` (applied again at each re-read).
    run_checks: Checks,
    /// county.toml as last read well; replaced when the file changes and reads well.
    project: std::sync::RwLock<Arc<Project>>,
    /// Held while county.toml is looked at, so one request re-reads it, not all.
    seen: Mutex<Seen>,
    pub uploads: Uploads,
    /// Held open (locked) while the server runs: one server per project.
    _lock: std::fs::File,
    /// The largest request body, in bytes.
    pub max_upload: u64,
    /// The county as of the latest accepted uploads; `None` after an upload until asked for.
    /// Kept with the size and time of every file it was read from, so that a unit file
    /// saved on disk (not uploaded) is seen by the next request.
    view: Mutex<Option<(Arc<ProjectRun>, Stamps)>>,
    /// Held while the view is computed, so that many requests after an upload read the
    /// project once, not once each.
    computing: Mutex<()>,
    /// Counts accepted uploads, so that a view read before one is not kept after it.
    generation: AtomicU64,
    /// `gkml diff` for the history page; without it the page compares compiled rows only.
    pub differ: Option<Differ>,
}

/// The files a view was read from, each with its size and time then (`None`: unreadable).
type Stamps = Vec<(PathBuf, Option<(u64, std::time::SystemTime)>)>;

/// County.toml's size and modification time.
fn stamp_of(path: &std::path::Path) -> std::io::Result<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(path)?;
    Ok((m.len(), m.modified()?))
}

impl App {
    /// The shared state of a server for `county_toml`.
    ///
    /// # Errors
    /// [`crate::error::Error`] when the project cannot be read or its state folder made.
    pub fn new(
        county_toml: PathBuf,
        store: &'static Store,
        checks: Checks,
        max_upload: u64,
    ) -> Result<App, crate::error::Error> {
        let dir = super::project_dir(&county_toml);
        let seen = Seen {
            stamp: stamp_of(&county_toml).ok(),
            sha256: std::fs::read(&county_toml)
                .map(|b| Sha256::digest(&b).into())
                .unwrap_or_default(),
            problem: None,
        };
        let lock = super::store::lock_for_server(&dir)?;
        let project = Project::read(&county_toml, store, &checks)?;
        Ok(App {
            _lock: lock,
            uploads: Uploads::open(&dir)?,
            dir,
            county_toml,
            store,
            run_checks: checks,
            project: std::sync::RwLock::new(Arc::new(project)),
            seen: Mutex::new(seen),
            max_upload,
            view: Mutex::new(None),
            computing: Mutex::new(()),
            generation: AtomicU64::new(0),
            differ: None,
        })
    }

    /// Compare versions on the history page with `gkml diff`.
    pub fn with_differ(mut self, differ: Differ) -> App {
        self.differ = Some(differ);
        self
    }

    /// The project as county.toml now says, or as it last said well: a unit added or a path
    /// changed is seen by the next request, without a restart. A county.toml that no longer
    /// reads as a project leaves the last good one served, and [`App::problem`] says why.
    pub fn project(&self) -> Arc<Project> {
        self.refresh();
        self.current()
    }

    fn current(&self) -> Arc<Project> {
        match self.project.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Why county.toml on disk is not the project served, if it is not.
    pub fn problem(&self) -> Option<String> {
        self.refresh();
        self.seen.lock().ok().and_then(|s| s.problem.clone())
    }

    /// Look at county.toml (one `stat`) and read it again when it changed.
    pub fn refresh(&self) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let stamp = stamp_of(&self.county_toml);
        if let (Ok(now), Some(before)) = (&stamp, seen.stamp) {
            if *now == before {
                return;
            }
        }
        let bytes = match stamp.and_then(|s| std::fs::read(&self.county_toml).map(|b| (s, b))) {
            Ok((s, b)) => {
                seen.stamp = Some(s);
                b
            }
            Err(e) => {
                seen.stamp = None;
                let file: Arc<str> = Arc::from("county.toml");
                seen.problem = Some(format!(
                    "{}，仍按上次读到的项目提供页面",
                    crate::read::unreadable(&file, &e).message
                ));
                return;
            }
        };
        let sha256: [u8; 32] = Sha256::digest(&bytes).into();
        if sha256 == seen.sha256 && seen.problem.is_none() {
            return;
        }
        seen.sha256 = sha256;
        match Project::read(&self.county_toml, self.store, &self.run_checks) {
            Ok(p) => {
                seen.problem = None;
                if let Ok(mut cur) = self.project.write() {
                    *cur = Arc::new(p);
                }
                self.invalidate();
            }
            Err(e) => {
                seen.problem = Some(format!("county.toml 有误，仍按上次读到的项目提供页面：{e}"));
            }
        }
    }

    /// The county as the latest accepted drafts make it (computed once per change), from
    /// the project as last read well.
    pub fn view(&self) -> Result<Arc<ProjectRun>, String> {
        let project = self.project();
        // One `stat` per unit file: a file edited in place makes the view stale.
        let cached = || {
            let mut v = self.view.lock().ok()?;
            let fresh = v.as_ref().is_some_and(|(_, stamps)| {
                stamps
                    .iter()
                    .all(|(path, before)| stamp_of(path).ok() == *before)
            });
            if !fresh {
                *v = None;
            }
            v.as_ref().map(|(run, _)| run.clone())
        };
        if let Some(v) = cached() {
            return Ok(v);
        }
        let _computing = self.computing.lock();
        if let Some(v) = cached() {
            return Ok(v);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        // Stamped before reading, so that a save during the read is seen next time.
        let stamps = self.unit_stamps(&project);
        let head = crate::load::FileRead {
            file: project.head.file.clone(),
            catalogues: Vec::new(),
            diags: project.head.diags.clone(),
            project: project.head.project.clone(),
        };
        let run = crate::project::load_read(
            &self.county_toml,
            head,
            self.store,
            &self.run_checks,
            &|| {},
        )
        .map_err(|fr| crate::print::to_text(&fr.diags))?;
        let run = Arc::new(run);
        // An upload accepted while this was read may be missing from it: then it is answered
        // but not kept, and the next request reads the project again.
        if let Ok(mut v) = self.view.lock() {
            if self.generation.load(Ordering::SeqCst) == generation {
                *v = Some((run.clone(), stamps));
            }
        }
        Ok(run)
    }

    /// The size and time of each file the project's units are read from now: the listed file,
    /// or the upload standing in for it.
    fn unit_stamps(&self, project: &Project) -> Stamps {
        let subs = super::store::substitutes(&self.county_toml, !self.run_checks.no_uploads);
        project
            .slots
            .iter()
            .map(|slot| {
                let listed = self.dir.join(&slot.slot);
                let path = subs.path_for(&listed).to_path_buf();
                let stamp = stamp_of(&path).ok();
                (path, stamp)
            })
            .collect()
    }

    fn invalidate(&self) {
        if let Ok(mut v) = self.view.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            *v = None;
        }
    }

    /// The unit of the view read for a slot: the one whose file is the upload standing in
    /// for it, or its own file.
    pub fn unit_of<'r>(
        &self,
        run: &'r ProjectRun,
        slot: &UnitSlot,
    ) -> Option<&'r crate::project::UnitResult> {
        let subs = super::store::substitutes(&self.county_toml, !self.run_checks.no_uploads);
        let listed = self.dir.join(&slot.slot);
        let read = crate::read::display_name(subs.path_for(&listed));
        run.units.iter().find(|u| *u.file == *read)
    }

    /// The unit county.toml lists under this short name.
    pub fn slot(&self, name: &str) -> Option<UnitSlot> {
        self.project().slot(name).cloned()
    }
}

/// A JSON error body `{"error": "…"}` with a status.
fn fail(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

/// The latest accepted upload of a unit, as `GET /api/units` shows it.
#[derive(Serialize)]
struct Latest {
    version: u32,
    time: String,
    items: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct UnitJson {
    name: String,
    full_name: Option<String>,
    kind: Option<&'static str>,
    latest: Option<Latest>,
}

/// `GET /api/units`.
pub async fn units(State(app): State<Arc<App>>) -> Response {
    let records = app.uploads.records();
    let latest = super::store::latest_by_unit(&records);
    let out: Vec<UnitJson> = app
        .project()
        .slots
        .iter()
        .map(|s| UnitJson {
            name: s.name.clone(),
            full_name: s.full_name.clone(),
            kind: s.kind.map(|k| k.label()),
            latest: latest.get(&s.name).map(|r| Latest {
                version: r.version.unwrap_or(0),
                time: r.time.clone(),
                items: r.items,
                errors: r.errors,
                warnings: r.warnings,
            }),
        })
        .collect();
    Json(out).into_response()
}

/// One 覆盖情况 row as a JSON object whose keys keep the CSV's column order.
pub struct SummaryRow(Vec<(String, String)>);

impl Serialize for SummaryRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The 覆盖情况 rows as JSON objects keyed by the CSV's column names, 合计 last.
pub fn summary_rows(run: &ProjectRun) -> Vec<SummaryRow> {
    let header = crate::render::summary::coverage_header();
    crate::render::summary::coverage_rows(&run.coverage)
        .into_iter()
        .map(|row| SummaryRow(header.iter().cloned().zip(row).collect()))
        .collect()
}

/// The answer to an upload: the diagnostics document of `validate --format json`, plus the
/// stored `version` (200) or what was wrong (409).
#[derive(Serialize)]
struct Report<'a> {
    diagnostics: &'a [Diagnostic],
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `GET /api/summary`.
pub async fn summary(State(app): State<Arc<App>>) -> Response {
    let a = app.clone();
    match tokio::task::spawn_blocking(move || a.view()).await {
        Ok(Ok(run)) => Json(summary_rows(&run)).into_response(),
        Ok(Err(e)) => fail(StatusCode::INTERNAL_SERVER_ERROR, e),
        Err(e) => fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Who sent a request, by its `Authorization: Bearer` key.
fn holder(app: &App, headers: &HeaderMap) -> Result<Option<(Holder, String)>, String> {
    let keys = KeyFile::load(&app.dir).map_err(|e| e.to_string())?;
    Ok(headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(super::keys::bearer)
        .and_then(|t| keys.verify(t)))
}

/// `POST /api/units/{name}/drafts`.
pub async fn upload(
    State(app): State<Arc<App>>,
    AxPath(name): AxPath<String>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let who = match holder(&app, &headers) {
        Ok(Some(w)) => w,
        Ok(None) => {
            let mut r = fail(
                StatusCode::UNAUTHORIZED,
                "需要有效的上传密钥（Authorization: Bearer 密钥）",
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            return r;
        }
        Err(e) => return fail(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let Some(slot) = app.slot(&name) else {
        return fail(
            StatusCode::NOT_FOUND,
            format!("项目中没有简称为“{name}”的单位"),
        );
    };
    if !who.0.may_upload(&name) {
        return fail(
            StatusCode::FORBIDDEN,
            format!("这个密钥只能上传本单位的草稿，不能上传“{name}”的"),
        );
    }
    if slot.shared {
        return fail(
            StatusCode::CONFLICT,
            format!(
                "“{name}”与其他单位写在同一个文件 {} 中，上传会替换它们全部：请先在 county.toml 中为它单列一个文件",
                slot.slot
            ),
        );
    }
    let mut multipart = match axum::extract::Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(e) => {
            return fail(
                e.status(),
                format!("请求不是 multipart/form-data：{}", e.body_text()),
            )
        }
    };
    let staged = loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let sent = field.file_name().unwrap_or_default().to_string();
                match stage(&app, &name, sent.clone(), field).await {
                    Ok(s) => break (s, sent),
                    Err(r) => return r,
                }
            }
            Ok(Some(_)) => continue,
            Ok(None) => return fail(StatusCode::BAD_REQUEST, "请求中没有名为 file 的文件字段"),
            Err(e) => return fail(e.status(), format!("上传中断：{}", e.body_text())),
        }
    };
    let a = app.clone();
    let (status, body) =
        match tokio::task::spawn_blocking(move || judge(&a, &slot, who, staged)).await {
            Ok(r) => r,
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "error": e.to_string() }).to_string().into_bytes(),
            ),
        };
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Stream the `file` field to a temporary file, hashing as it goes: an upload is never held
/// whole in memory.
async fn stage(
    app: &App,
    unit: &str,
    sent: String,
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<Staged, Response> {
    // An extension gkml does not read is still staged: the reader then reports it (GK0xx),
    // and the answer is a 422 with that diagnostic like any other unreadable file.
    let ext = super::store::upload_extension(&sent).unwrap_or_else(|| "bin".to_string());
    let (dir, path) = app
        .uploads
        .incoming(unit, &ext)
        .map_err(|e| fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let io = |e: std::io::Error| {
        fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法暂存上传：{e}"),
        )
    };
    let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    loop {
        match field.chunk().await {
            Ok(Some(bytes)) => {
                hasher.update(&bytes);
                size += bytes.len() as u64;
                file.write_all(&bytes).await.map_err(io)?;
            }
            Ok(None) => break,
            Err(e) => return Err(fail(e.status(), format!("上传中断：{}", e.body_text()))),
        }
    }
    file.sync_all().await.map_err(io)?;
    drop(file);
    Ok(Staged {
        path,
        dir,
        size,
        sha256: super::keys::hex(&hasher.finalize()),
        ext,
    })
}

/// Read and check a staged draft; keep it when it is readable and this unit's own.
fn judge(
    app: &App,
    slot: &UnitSlot,
    who: (Holder, String),
    (staged, sent): (Staged, String),
) -> (StatusCode, Vec<u8>) {
    let project = app.project();
    let fr = crate::load::read_file(
        &staged.path,
        app.store,
        Some(&project.county),
        &project.checks.limits,
    );
    let cats: Vec<&crate::model::Catalogue> = fr.catalogues.iter().collect();
    let (mut diags, per_unit) = crate::check::attribute(project.checks.configure(fr.diags), &cats);
    for (cat, d) in cats.iter().zip(per_unit) {
        diags.extend(d);
        diags.extend(project.checks.catalogue(cat));
    }
    // The stored path means nothing to the clerk: name the file as they sent it.
    let shown: Arc<str> = Arc::from(sent.rsplit(['/', '\\']).next().unwrap_or(&sent));
    for d in &mut diags {
        d.file = Some(shown.clone());
    }
    let items: usize = fr.catalogues.iter().map(|c| c.item_count()).sum();
    let mut summary = Summary {
        files: 1,
        items,
        ..Summary::default()
    };
    summary.count(&diags);
    let mut rec = Record {
        time: super::store::now_rfc3339(),
        unit: slot.name.clone(),
        key: who.1.clone(),
        holder: match &who.0 {
            Holder::Admin => "admin".to_string(),
            Holder::Unit(u) => u.clone(),
        },
        file: sent,
        size: staged.size,
        sha256: staged.sha256.clone(),
        result: Outcome::Accepted,
        version: None,
        blob: None,
        slot: Some(slot.slot.clone()),
        items,
        errors: summary.errors,
        warnings: summary.warnings,
    };
    // The cases where `validate` exits 2: nothing read, or a GK0xx reading error.
    let unreadable = fr.catalogues.is_empty()
        || diags
            .iter()
            .any(|d| d.severity == Severity::Error && d.code.starts_with("GK0"));
    let doc = |version: Option<u32>, error: Option<String>| {
        // Serialised straight from the structs, so the fields keep the CLI document's order.
        serde_json::to_vec(&Report {
            diagnostics: &diags,
            summary: &summary,
            version,
            error,
        })
        .unwrap_or_default()
    };
    if unreadable {
        rec.result = Outcome::Unreadable;
        let _ = app.uploads.refuse(rec);
        return (StatusCode::UNPROCESSABLE_ENTITY, doc(None, None));
    }
    let names: Vec<&str> = fr.catalogues.iter().map(|c| c.unit.name.as_str()).collect();
    let wrong = match names.as_slice() {
        [one] => match fr.catalogues.first() {
            Some(c) if same_unit(&c.unit, slot, &project.county) => None,
            _ => Some(format!("草稿写的是“{one}”的目录，不是“{}”的", slot.name)),
        },
        _ => Some(format!(
            "草稿含 {} 个单位（{}）：每次只上传本单位的目录",
            names.len(),
            names.join("、")
        )),
    };
    if let Some(msg) = wrong {
        rec.result = Outcome::WrongUnit;
        let _ = app.uploads.refuse(rec);
        return (StatusCode::CONFLICT, doc(None, Some(msg)));
    }
    match app.uploads.accept(staged, rec) {
        Ok(stored) => {
            app.invalidate();
            (StatusCode::OK, doc(stored.version, None))
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": format!("草稿未能保存，之前的版本仍有效：{e}") })
                .to_string()
                .into_bytes(),
        ),
    }
}

/// Whether a draft's unit is the listed unit. A draft's title names the unit as the clerk
/// writes it: a workbook gkml compiled for 嘉鱼县民政局 reads back as 民政局 with the full
/// name 嘉鱼县民政局, so the short name alone would turn a unit's own draft away.
pub fn same_unit(draft: &crate::model::Unit, slot: &UnitSlot, county: &str) -> bool {
    let with_county = |n: &str| format!("{county}{n}");
    draft.name == slot.name
        || with_county(&draft.name) == slot.name
        || draft.name == with_county(&slot.name)
        || slot.full_name.as_deref() == Some(draft.name.as_str())
        || draft.full_name.as_deref() == Some(slot.name.as_str())
        || (draft.full_name.is_some() && draft.full_name == slot.full_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, full: Option<&str>) -> crate::model::Unit {
        crate::model::Unit {
            name: name.into(),
            full_name: full.map(String::from),
            kind: None,
            county: None,
            levels: Vec::new(),
        }
    }

    #[test]
    fn a_draft_names_its_unit_by_short_name_full_name_or_with_the_county() {
        let slot = UnitSlot {
            name: "嘉鱼县民政局".into(),
            full_name: Some("嘉鱼县民政局".into()),
            kind: None,
            slot: "a.toml".into(),
            shared: false,
        };
        assert!(same_unit(&unit("嘉鱼县民政局", None), &slot, "嘉鱼县"));
        assert!(same_unit(
            &unit("民政局", Some("嘉鱼县民政局")),
            &slot,
            "嘉鱼县"
        ));
        assert!(same_unit(&unit("民政局", None), &slot, "嘉鱼县"));
        assert!(!same_unit(&unit("财政局", None), &slot, "嘉鱼县"));
        assert!(!same_unit(
            &unit("鱼岳镇", Some("嘉鱼县鱼岳镇人民政府")),
            &slot,
            "嘉鱼县"
        ));
    }
}

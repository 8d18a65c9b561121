//! `gkml serve`: the county office's intranet page (issue 19). Units upload drafts with a
//! key, everyone reads the diagnostics and the county summary, always computed by the same
//! library as the command line. `keys` makes the upload keys; `store` keeps every upload and
//! the audit log; `api` and `pages` are the HTTP side. Everything serve and keys write is
//! under `PROJECT/.gkml/`.

pub mod api;
pub mod keys;
pub mod pages;
/// The uploads store lives below `project` (which reads the latest uploads); it is the same
/// module under this name.
pub use crate::uploads as store;
pub use crate::uploads::STATE_DIR;

use std::path::{Path, PathBuf};

use crate::catalogues::Store;
use crate::check::Checks;
use crate::error::Error;
use crate::model::UnitKind;

/// A unit of the project as county.toml lists it, read from its own file (not an upload):
/// the names uploads are addressed by, and the file an upload stands in for.
#[derive(Debug, Clone)]
pub struct UnitSlot {
    pub name: String,
    pub full_name: Option<String>,
    pub kind: Option<UnitKind>,
    /// The listed file, relative to the project folder.
    pub slot: String,
    /// Other units are read from the same file (a county-wide table): an upload for one of
    /// them would replace them all, so it is refused.
    pub shared: bool,
}

/// The county.toml of a project folder (or the file itself).
///
/// # Errors
/// [`Error::Usage`] when the path is not a county project.
pub fn county_toml(project: &Path) -> Result<PathBuf, Error> {
    let file = if project.is_dir() {
        project.join("county.toml")
    } else {
        project.to_path_buf()
    };
    if file.is_file() && file.file_name().is_some_and(|n| n == "county.toml") {
        return Ok(file);
    }
    Err(Error::Usage(format!(
        "{} 不是县级项目：需要含 county.toml 的文件夹",
        project.display()
    )))
}

/// The folder of a county.toml.
pub fn project_dir(county_toml: &Path) -> PathBuf {
    county_toml
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The units of a project as county.toml lists them, from their own files.
///
/// # Errors
/// [`Error::Usage`] when county.toml cannot be read as a project.
pub fn unit_slots(
    county_toml: &Path,
    store: &Store,
    checks: &Checks,
) -> Result<Vec<UnitSlot>, Error> {
    let mut checks = checks.clone();
    checks.no_uploads = true;
    let run = crate::project::load(county_toml, store, &checks, &|| {})
        .map_err(|fr| Error::Usage(crate::print::to_text(&fr.diags).trim_end().to_string()))?;
    let dir = project_dir(county_toml);
    let mut per_file: std::collections::BTreeMap<&str, usize> = Default::default();
    for u in &run.units {
        *per_file.entry(u.file.as_str()).or_default() += 1;
    }
    Ok(run
        .units
        .iter()
        .map(|u| {
            let file = Path::new(&u.file);
            let rel = file.strip_prefix(&dir).unwrap_or(file);
            UnitSlot {
                name: u.name(),
                full_name: u.catalogue.as_ref().and_then(|c| c.unit.full_name.clone()),
                kind: u.kind(),
                slot: rel.to_string_lossy().to_string(),
                shared: per_file.get(u.file.as_str()).copied().unwrap_or(0) > 1,
            }
        })
        .collect())
}

/// The router: the JSON API (and the pages), with the framework's 2 MB default body limit
/// lifted for tower-http's limit of `--max-upload-mb` (413 from Content-Length when given,
/// else while streaming) and a timeout on every request.
pub fn router(app: std::sync::Arc<api::App>) -> axum::Router {
    use axum::routing::{get, post};
    let limit = usize::try_from(app.max_upload).unwrap_or(usize::MAX);
    axum::Router::new()
        .route("/api/units", get(api::units))
        .route("/api/units/{name}/drafts", post(api::upload))
        .route("/api/summary", get(api::summary))
        .route("/", get(pages::index))
        .route("/units/{name}", get(pages::unit))
        .route("/units/{name}/download/{what}", get(pages::unit_download))
        .route("/units/{name}/diff", get(pages::diff))
        .route("/summary/{file}", get(pages::summary_download))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            see_county_toml,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(300),
        ))
        .with_state(app)
}

/// Before every request, look whether county.toml changed (one `stat`; a re-read, off the
/// async threads, when it did), so that a unit added to it is served without a restart.
async fn see_county_toml(
    axum::extract::State(app): axum::extract::State<std::sync::Arc<api::App>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let _ = tokio::task::spawn_blocking(move || app.refresh()).await;
    next.run(req).await
}

/// Serve on a bound listener until `shutdown` resolves; requests in flight (uploads being
/// stored) are finished before this returns.
///
/// # Errors
/// The listener's I/O error.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: std::sync::Arc<api::App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

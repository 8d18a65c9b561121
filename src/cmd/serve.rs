//! `gkml serve PROJECT`: run the county office's intranet page until Ctrl-C. Loopback by
//! default; any other address is allowed with a warning, since the page then answers
//! everyone who can reach the machine.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use super::Exit;
use crate::catalogues::Store;
use crate::check::Checks;
use crate::diag::Cap;
use crate::error::Error;

/// Run `serve`. The references are the run's (`--catalogues`, else the built-in ones).
///
/// # Errors
/// [`Error::Usage`] for a folder that is not a project or an address that cannot be bound.
pub fn run(
    project: &Path,
    addr: SocketAddr,
    max_upload_mb: u64,
    cap: Cap,
    limits: crate::limits::Limits,
    catalogues: Option<&Path>,
) -> Result<Exit, Error> {
    let county_toml = crate::serve::county_toml(project)?;
    // The server's tasks outlive this frame's borrows: a store read from --catalogues lives
    // as long as the process, as the built-in one does.
    let store: &'static Store = match catalogues {
        Some(dir) => match Store::from_dir(dir) {
            Ok((s, _)) => Box::leak(Box::new(s)),
            Err(d) => return Err(Error::Usage(crate::print::to_text(&[d]).trim_end().into())),
        },
        None => Store::embedded(),
    };
    let mut checks = Checks::new(
        crate::rules::config::RuleConfig::default(),
        super::compile::resolve_date(None)?,
    );
    checks.cap = cap;
    checks.limits = limits;
    let app = crate::serve::api::App::new(
        county_toml,
        store,
        checks,
        max_upload_mb.saturating_mul(1024 * 1024),
    )?
    .with_differ(super::diff::between);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("无法启动服务：{e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::Usage(format!("无法监听 {addr}：{e}")))?;
        if !addr.ip().is_loopback() {
            eprintln!(
                "警告：gkml serve 正在监听 {addr}，网络上能访问这台电脑的人都能打开页面；请确保它只在县内网中，并置于内网防火墙之后。"
            );
        }
        eprintln!(
            "gkml serve：{} 个单位，页面在 http://{addr}/ ，按 Ctrl-C 停止。",
            app.slots.len()
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("正在停止：等待进行中的上传完成……");
        };
        crate::serve::serve_on(listener, Arc::new(app), shutdown)
            .await
            .map_err(|e| Error::Usage(format!("服务出错：{e}")))
    })?;
    Ok(Exit::Ok)
}

//! Building the HTTP server around a database pool and a listener.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, Logger, NormalizePath, TrailingSlash};
use actix_web::web::Data;
use actix_web::{App, HttpServer};

use crate::corpus::Corpus;
use crate::web::auth::AuthConfig;
use crate::web::{self, AppState};

/// Two request workers a core. A worker is one thread; with one a core, a core sat idle while
/// its worker's thread waited on the kernel (the timeline under 64 connections: 20% idle, p99
/// 70 ms; with two a core, 47 ms).
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

/// Serve the app on an already bound listener (port 0 in tests). Signals are the caller's
/// business: stop it through `Server::handle()`.
pub fn run(listener: TcpListener, corpus: Corpus, auth: AuthConfig) -> std::io::Result<Server> {
    let pool = corpus.pool().clone();
    let state = Data::new(AppState::new(corpus, auth));
    state.catalogs.load_in_background(pool.clone());
    state.search_index.load_in_background(pool);
    let server = HttpServer::new(move || {
        App::new()
            // Innermost: its refusals get the headers, compression and log line as well.
            .wrap(actix_web::middleware::from_fn(web::auth::gate))
            // The path without its query: a query may carry a form's CSRF token (the upload
            // form's) and what readers searched for.
            .wrap(Logger::new("%m %U %s %Dms").log_target("pledgeline::http"))
            .wrap(Compress::default())
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add((
                        "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
                    )),
            )
            .wrap(NormalizePath::new(TrailingSlash::Trim))
            .app_data(state.clone())
            .configure(web::configure)
            .default_service(actix_web::web::to(web::not_found))
    })
    .workers(workers())
    .disable_signals()
    .shutdown_timeout(10)
    .client_request_timeout(Duration::from_secs(30))
    .listen(listener)?
    .run();
    Ok(server)
}

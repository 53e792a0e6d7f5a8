//! Static files, built into the binary and served with long-lived cache headers: pages link to
//! them with a `?v=` content hash, so a changed file gets a new address.

use std::sync::LazyLock;

use actix_web::http::header::{self, CacheControl, CacheDirective, ContentType, ETag, EntityTag};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::WebError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../static/app.css"),
    },
    // Progressive enhancement only: every page works without script.
    Asset {
        name: "review.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/review.js"),
    },
    // The progress report's own stylesheet (print-ready), also inlined in report files.
    Asset {
        name: "report.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../static/report.css"),
    },
    Asset {
        name: "report.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/report.js"),
    },
    Asset {
        name: "upload.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/upload.js"),
    },
];

static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| hex::encode(&Sha256::digest(a.body.as_bytes())[..6]))
        .collect()
});

/// The versioned address of a static file, for templates.
pub fn asset_url(name: &str) -> String {
    let version = ASSETS
        .iter()
        .position(|a| a.name == name)
        .map(|i| VERSIONS[i].as_str())
        .unwrap_or("0");
    format!("/static/{name}?v={version}")
}

pub async fn serve(req: HttpRequest, file: web::Path<String>) -> Result<HttpResponse, WebError> {
    let i = ASSETS
        .iter()
        .position(|a| a.name == file.as_str())
        .ok_or(WebError::NotFound)?;
    let tag = EntityTag::new_strong(VERSIONS[i].clone());
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag.to_string()));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(ETag(tag))
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ]));
    if fresh {
        return Ok(response.finish());
    }
    Ok(response
        .content_type(ContentType(
            ASSETS[i]
                .content_type
                .parse()
                .map_err(|_| WebError::BadRequest("bad content type".into()))?,
        ))
        .body(ASSETS[i].body))
}

//! Static assets from `web/static`, embedded in the binary.

use actix_web::{HttpResponse, web};
use rust_embed::RustEmbed;

use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};

#[derive(RustEmbed)]
#[folder = "web/static/"]
struct Static;

pub async fn serve(path: web::Path<String>) -> AppResult<HttpResponse> {
    let path = path.into_inner();
    let file = Static::get(&path).ok_or_else(|| AppError::not_found(ErrorCode::NotFound, "Không tìm thấy tệp."))?;
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .content_type(mime.as_ref())
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(file.data.into_owned()))
}

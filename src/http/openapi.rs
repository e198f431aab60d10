//! `GET /api/v1/openapi.json`: the API's description, kept as YAML in `web/openapi.yaml` (written
//! beside the contract in API.md) and served as JSON.

use std::sync::OnceLock;

use actix_web::HttpResponse;

use crate::error::{AppError, AppResult};

const SPEC: &str = include_str!("../../web/openapi.yaml");

/// The description as JSON, converted once.
pub fn spec() -> Result<&'static str, String> {
    static JSON: OnceLock<Result<String, String>> = OnceLock::new();
    JSON.get_or_init(|| {
        let value: serde_json::Value = serde_saphyr::from_str(SPEC).map_err(|e| format!("web/openapi.yaml: {e}"))?;
        serde_json::to_string(&value).map_err(|e| e.to_string())
    })
    .as_deref()
    .map_err(Clone::clone)
}

pub async fn serve() -> AppResult<HttpResponse> {
    let json = spec().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(json))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_description_is_valid_yaml_for_openapi_3_1() {
        let json: serde_json::Value = serde_json::from_str(super::spec().unwrap()).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        assert!(json["paths"]["/api/v1/search"]["get"].is_object());
    }
}

//! Paths that name an organisation: `/api/v1/orgs/{org}/…` in the API and `/o/{org}/…` in the
//! pages act on organisation `{org}` exactly as the same path without the prefix acts on the
//! caller's own. The prefix is taken off before routing (the way actix's `NormalizePath`
//! rewrites a path) and kept in the request's extensions, where `CurrentUser` reads it: every
//! route exists once, and every route that needs a signed-in user is scoped by the same code.

use actix_web::HttpMessage;
use actix_web::dev::ServiceRequest;
use actix_web::http::Uri;
use actix_web::http::uri::PathAndQuery;

/// The organisation a request's path named, when it named one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInPath(pub String);

const API_PREFIX: &str = "/api/v1/orgs/";
const PAGE_PREFIX: &str = "/o/";

/// `path` without its organisation prefix, and the organisation, when it has one. `/api/v1/orgs`
/// itself and `/api/v1/orgs/{org}` (one organisation) are routes of their own, not prefixes.
pub fn split(path: &str) -> Option<(&str, String)> {
    if let Some(rest) = path.strip_prefix(API_PREFIX) {
        let (org, tail) = rest.split_once('/')?;
        return (!org.is_empty() && !tail.is_empty()).then(|| (org, format!("/api/v1/{tail}")));
    }
    let rest = path.strip_prefix(PAGE_PREFIX)?;
    let (org, tail) = rest.split_once('/').unwrap_or((rest, ""));
    (!org.is_empty()).then(|| (org, format!("/{tail}")))
}

/// Takes the organisation prefix off `req`'s path before routing.
pub fn strip(req: &mut ServiceRequest) {
    let Some((org, path)) = split(req.path()).map(|(o, p)| (o.to_owned(), p)) else {
        return;
    };
    let head = req.head_mut();
    let mut parts = head.uri.clone().into_parts();
    let with_query = match parts.path_and_query.as_ref().and_then(|pq| pq.query()) {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let Ok(path_and_query) = PathAndQuery::try_from(with_query) else {
        return;
    };
    parts.path_and_query = Some(path_and_query);
    let Ok(uri) = Uri::from_parts(parts) else {
        return;
    };
    req.match_info_mut().get_mut().update(&uri);
    req.head_mut().uri = uri;
    req.extensions_mut().insert(OrgInPath(org));
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_prefix_names_an_organisation_and_keeps_the_rest() {
        assert_eq!(split("/api/v1/orgs/xa-a/procedures/QT-01"), Some(("xa-a", "/api/v1/procedures/QT-01".into())));
        assert_eq!(split("/o/xa-a/procedures"), Some(("xa-a", "/procedures".into())));
        assert_eq!(split("/o/xa-a"), Some(("xa-a", "/".into())));
        assert_eq!(split("/api/v1/orgs"), None);
        assert_eq!(split("/api/v1/orgs/xa-a"), None, "one organisation is a route of its own");
        assert_eq!(split("/api/v1/procedures"), None);
        assert_eq!(split("/o/"), None);
        assert_eq!(split("/other"), None);
    }
}

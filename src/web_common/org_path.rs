//! Paths that name an organisation: `/api/v1/orgs/{org}/…` in the API and `/o/{org}/…` in the
//! pages act on organisation `{org}` exactly as the same path without the prefix acts on the
//! caller's own. The prefix is taken off before routing (the way actix's `NormalizePath`
//! rewrites a path) and kept in the request's extensions, where `CurrentUser` reads it: every
//! route exists once, and every route that needs a signed-in user is scoped by the same code.

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::http::header::{HeaderValue, LOCATION};
use actix_web::http::uri::PathAndQuery;
use actix_web::{HttpMessage, HttpRequest};

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

/// `path` (a path of this site, with or without a query) as it reads under organisation `org`'s
/// prefix: the inverse of `split`.
pub fn restore(path: &str, org: &str) -> String {
    match path.strip_prefix("/api/v1/") {
        Some(tail) => format!("{API_PREFIX}{org}/{tail}"),
        None => format!("{PAGE_PREFIX}{org}{path}"),
    }
}

/// The path and query the browser asked for: the routed one with its organisation prefix put
/// back (what a page's language switch and a sign-in's `next` must come back to).
pub fn browser_path(req: &HttpRequest) -> String {
    let path = req.uri().path_and_query().map_or("/".into(), |p| p.to_string());
    match req.extensions().get::<OrgInPath>() {
        Some(OrgInPath(org)) => restore(&path, org),
        None => path,
    }
}

/// Where a redirect from a request made under organisation `org`'s prefix must point: a path of
/// the site gets the prefix back, so a form posted under `/o/{org}/` lands on a page of the same
/// organisation. Anything else is left as it is (`None`): another site, a path that names an
/// organisation already, and the paths that belong to no organisation (sign-in and out, the
/// language switch, assets).
pub fn prefixed_location(location: &str, org: &str) -> Option<String> {
    let site_path = location.starts_with('/') && !location.starts_with("//") && !location.starts_with("/\\");
    let shared = ["/login", "/logout", "/lang/", "/static/"].iter().any(|p| {
        location.strip_prefix(p).is_some_and(|rest| p.ends_with('/') || rest.is_empty() || rest.starts_with(['?', '#']))
    });
    let names_one = split(location).is_some() || location.starts_with("/o/") || location.starts_with("/api/v1/orgs");
    (site_path && !shared && !names_one).then(|| restore(location, org))
}

/// The response step of the prefix: a redirect answered to a request whose path named an
/// organisation keeps naming it (one place for every page's `Location`).
pub fn keep_prefix_in_location<B>(res: &mut ServiceResponse<B>) {
    let Some(OrgInPath(org)) = res.request().extensions().get::<OrgInPath>().cloned() else {
        return;
    };
    let headers = res.headers_mut();
    let Some(location) = headers.get(LOCATION).and_then(|l| l.to_str().ok()) else {
        return;
    };
    if let Some(value) = prefixed_location(location, &org).and_then(|l| HeaderValue::try_from(l).ok()) {
        headers.insert(LOCATION, value);
    }
}

#[cfg(test)]
mod tests {
    use super::{prefixed_location, restore, split};

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

    #[test]
    fn restoring_a_prefix_undoes_splitting_it() {
        for path in ["/api/v1/orgs/xa-a/procedures/QT-01", "/o/xa-a/procedures?q=1", "/o/xa-a/"] {
            let (org, rest) = split(path).unwrap();
            assert_eq!(restore(&rest, org), path);
        }
    }

    #[test]
    fn a_redirect_under_a_prefix_keeps_it() {
        let at = |l: &str| prefixed_location(l, "xa-a");
        assert_eq!(at("/nonconformities/3#ca-4").as_deref(), Some("/o/xa-a/nonconformities/3#ca-4"));
        assert_eq!(at("/admin/users/lan?saved=1").as_deref(), Some("/o/xa-a/admin/users/lan?saved=1"));
        assert_eq!(at("/").as_deref(), Some("/o/xa-a/"));
        assert_eq!(at("/api/v1/change-requests/5").as_deref(), Some("/api/v1/orgs/xa-a/change-requests/5"));
        assert_eq!(at("/logins").as_deref(), Some("/o/xa-a/logins"), "only the sign-in page itself is shared");
        for kept in [
            "/login",
            "/login?next=/o/xa-a/",
            "/logout",
            "/lang/en?next=/",
            "/static/qms.css",
            "/o/xa-b/admin/users",
            "/api/v1/orgs/xa-b/procedures",
            "/api/v1/orgs",
            "/api/v1/orgs/xa-b",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "procedures",
            "",
        ] {
            assert_eq!(at(kept), None, "{kept}");
        }
    }
}

//! The client behind a reverse proxy. `X-Forwarded-For` and `X-Forwarded-Proto` are believed only
//! when the connection comes from an address listed in `QMS_TRUSTED_PROXIES`: from anyone else they
//! are forged at will (a client could pick a fresh address per sign-in attempt and escape the
//! throttle, or claim TLS it does not have).

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::config::Settings;

fn from_trusted_proxy(req: &HttpRequest, settings: &Settings) -> bool {
    req.peer_addr().is_some_and(|peer| settings.trusted_proxies().contains(&peer.ip()))
}

/// The client's address: the proxy's `X-Forwarded-For` (its last entry, the one the proxy itself
/// added) when the connection comes from a trusted proxy, the connection's peer otherwise.
pub fn client_address(req: &HttpRequest, settings: &Settings) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    if !from_trusted_proxy(req, settings) {
        return peer;
    }
    // The last entry over every header line: a proxy may append a line of its own rather than
    // extend the client's, and only its own entry can be believed.
    let last = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).last();
    last.and_then(|list| list.rsplit(',').next()).and_then(|a| a.trim().parse().ok()).or(peer)
}

/// Whether the browser reached the service over HTTPS: always when `QMS_COOKIE_SECURE` says so,
/// or when a trusted proxy says `X-Forwarded-Proto: https`. Session cookies are then `Secure`.
pub fn is_https(req: &HttpRequest, settings: &Settings) -> bool {
    // Not `connection_info().scheme()`: actix reads the forwarded headers from any client.
    settings.cookie_secure
        || from_trusted_proxy(req, settings)
            && req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

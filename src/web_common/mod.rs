//! What the JSON API (`http`) and the pages (`pages`) share about a request: where it really comes
//! from behind a reverse proxy, and whether the browser reached the service over TLS.

mod origin;

pub use origin::{client_address, is_https};

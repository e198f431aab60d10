//! What the JSON API (`http`) and the pages (`pages`) share: the current user and CSRF, running
//! blocking work, ids in paths, and where a request really comes from behind a reverse proxy.
//! Both depend on this module; neither depends on the other.

mod blocking;
mod csrf;
mod current_user;
mod org_path;
mod origin;

pub use blocking::{blocking, positive_id};
pub use csrf::{constant_time_eq, csrf_for_session};
pub use current_user::{CurrentUser, TOKEN_COOKIE, token_of};
pub use org_path::{OrgInPath, browser_path, keep_prefix_in_location, strip as strip_org_path};
pub use origin::{client_address, is_https};

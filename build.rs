// The migrations are compiled into the binary (`embed_migrations!`): a migration added without
// touching any Rust file must still rebuild it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

use std::process::ExitCode;

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    qms::cli::run()
}

/// Checking a password takes a 19 MB block (argon2's memory cost). glibc serves a block that large
/// with its own mapping and unmaps it when freed, but after the first one it raises that threshold
/// to the block's size, so every later check took its block from the heap of whichever thread ran
/// it and each of those heaps kept the 19 MB: `qms serve` held 70 to 90 MB after a few sign-ins,
/// depending on how many threads had hashed one. A fixed threshold keeps blocks of 4 MB and more
/// mapped apart and given back when freed (47 MB, run after run); smaller ones are unaffected.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread runs.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

use std::process::ExitCode;

fn main() -> ExitCode {
    qms::cli::run()
}

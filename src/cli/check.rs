//! `qms check [DIR]`.

use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path) -> ExitCode {
    let report = match crate::check::check_tree(dir) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("qms check: không đọc được {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    for problem in &report.problems {
        // Paths are printed relative to where the user ran the command.
        let shown = crate::check::Problem { file: dir.join(&problem.file), ..problem.clone() };
        println!("{shown}");
    }
    let files = report.files.len();
    if report.problems.is_empty() {
        println!("{files} tệp, không có lỗi.");
        ExitCode::SUCCESS
    } else {
        println!("{files} tệp, {} lỗi.", report.problems.len());
        ExitCode::FAILURE
    }
}

//! `safe-update-demo-axum`: the same demo served by axum: the same command line, routes and
//! answers as `safe-update-demo`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    safe_update_demo::cli::main(safe_update_demo::axum_app::run)
}

//! `safe-update-demo`: the demo served by actix-web, or an administrative command (`--help`).
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    safe_update_demo::cli::main(safe_update_demo::actix_app::run)
}

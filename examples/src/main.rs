//! `safe-update-demo`: runs the demo server, or an administrative command (`--help`).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use safe_update_demo::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let result = match cli.command {
        Some(command) => safe_update_demo::cli::run(&cli.db, command),
        None => {
            let options = safe_update_demo::server::Options {
                trusted_proxies: cli.trusted_proxies,
                ..Default::default()
            };
            safe_update_demo::server::run(&cli.db, cli.listen, options)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

//! Command line: serve (the default), `add-user`, `set-password`.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Demo server of safe-update: a profile API over SQLite and HTTP Basic Auth.
#[derive(Debug, Parser)]
#[command(name = "safe-update-demo", version)]
pub struct Cli {
    /// SQLite database file; created and migrated when missing.
    #[arg(long, global = true, default_value = "demo.db", value_name = "PATH")]
    pub db: PathBuf,
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Administrative command; without one, the server runs.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Administrative commands, run against the database and without a server.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Creates a user; reads the password from standard input (one line).
    AddUser {
        /// Login name: 1 to 32 of a-z, 0-9, '_', '-', '.'.
        #[arg(long)]
        username: String,
        /// Give the user role admin.
        #[arg(long)]
        admin: bool,
    },
    /// Replaces a user's password; reads it from standard input (one line).
    SetPassword {
        /// Login name of an existing user.
        #[arg(long)]
        username: String,
    },
}

/// Shortest password the CLI accepts, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Reads one line from standard input as a password, without its line ending.
pub fn read_password() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| format!("cannot read the password from standard input: {error}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password).to_owned();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password (one line on standard input) needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    Ok(password)
}

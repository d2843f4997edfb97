//! Command line: serve (the default), `add-user`, `set-password`.

use std::io::BufRead;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use safe_update::auth::{hash_password, Credentials, CredentialsError, Password};
use zeroize::Zeroizing;

use crate::db::{self, Db};
use crate::model;
use crate::server::Options;

/// How a binary serves: `actix_app::run` or `axum_app::run`.
pub type Serve = fn(&Path, SocketAddr, Options) -> Result<(), String>;

/// The `main` of both binaries: parses the command line, then serves with `serve` or runs the
/// administrative command.
pub fn main(serve: Serve) -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let result = match cli.command {
        Some(command) => run(&cli.db, command),
        None => {
            let options = Options {
                trusted_proxies: cli.trusted_proxies,
                ..Default::default()
            };
            serve(&cli.db, cli.listen, options)
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

/// Demo server of safe-update: a profile API over SQLite and HTTP Basic Auth.
#[derive(Debug, Parser)]
#[command(version)]
pub struct Cli {
    /// SQLite database file; created and migrated when missing.
    #[arg(long, global = true, default_value = "demo.db", value_name = "PATH")]
    pub db: PathBuf,
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// A reverse proxy whose `Forwarded` / `X-Forwarded-For` names the client the login
    /// limiter counts under (repeat for several); without it, only the peer address counts.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<IpAddr>,
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

/// Reads one line from standard input as the password of `username`, without its line
/// ending; refused unless a client could send it: Basic Auth cannot carry a control
/// character, and a header has a size limit.
pub fn read_password(username: &str) -> Result<Password, String> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| format!("cannot read the password from standard input: {error}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    check_password(username, password)?;
    Ok(Password::new(password))
}

/// Whether `password` is one `username` could log in with, as the CLI requires.
pub fn check_password(username: &str, password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password (one line on standard input) needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    match Credentials::new(username, password) {
        Ok(_) => Ok(()),
        Err(CredentialsError::ControlCharacter) => Err(
            "the password contains a control character, which Basic Auth cannot carry: nobody could log in with it"
                .to_owned(),
        ),
        Err(CredentialsError::TooLong) => Err(format!(
            "the password is too long to fit an Authorization header ({} bytes of Base64 at most)",
            Credentials::MAX_TOKEN_LEN
        )),
        Err(error) => Err(format!("no client could log in with this password: {error}")),
    }
}

/// Runs an administrative command against the database at `path`.
pub fn run(path: &Path, command: Command) -> Result<(), String> {
    let db = Db::open(path).map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    let (username, created) = match &command {
        Command::AddUser { username, .. } => (username, true),
        Command::SetPassword { username } => (username, false),
    };
    model::username(username)?;
    let password = read_password(username)?;
    let hash = hash_password(password.expose()).map_err(|error| error.to_string())?;
    let written = db
        .write(|conn| match command {
            Command::AddUser { admin, .. } => {
                db::insert_user(conn, username, admin, &hash).map(|user| user.is_some())
            }
            Command::SetPassword { .. } => db::set_password(conn, username, &hash),
        })
        .map_err(|error| error.to_string())?;
    match (written, created) {
        (true, true) => eprintln!("created user {username}"),
        (true, false) => eprintln!("changed the password of {username}"),
        (false, true) => return Err(format!("the user name {username:?} is taken")),
        (false, false) => return Err(format!("there is no user {username:?}")),
    }
    Ok(())
}

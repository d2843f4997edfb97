//! Command line: serve (the default), `add-user`, `set-password`.

use std::ffi::OsStr;
use std::io::BufRead;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Parser, Subcommand};
use safe_update::auth::{hash_password, Password};
use zeroize::Zeroizing;

use crate::client::{ForwardedHeader, TrustedProxies};
use crate::db::{Database, DatabaseUrl};
use crate::limiter::{LimiterOption, LimiterStore};
use crate::server::Options;
use crate::{model, password};

/// How a binary serves: `actix_app::run` or `axum_app::run`.
pub type Serve = fn(&DatabaseUrl, SocketAddr, Options) -> Result<(), String>;

/// The `main` of both binaries: parses the command line, then serves with `serve` or runs the
/// administrative command.
pub fn main(serve: Serve) -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let url = cli.database_url();
    let result = match cli.command {
        Some(command) => run(&url, command),
        None => LimiterStore::from_options(cli.limiter, cli.limiter_prefix).and_then(|limiter| {
            let options = Options {
                limiter,
                trusted_proxies: TrustedProxies::new(cli.trusted_proxies, cli.forwarded_header),
                hash_memory_budget: cli
                    .hash_memory_budget
                    .map(|mib| mib.saturating_mul(1024 * 1024)),
                ..Default::default()
            };
            serve(&url, cli.listen, options)
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Demo server of safe-update: a profile API over SQLite or PostgreSQL and HTTP Basic Auth.
#[derive(Debug, Parser)]
#[command(version)]
pub struct Cli {
    /// Where the data lives: `sqlite:PATH` (created when missing) or
    /// `postgres://USER@HOST:PORT/DATABASE`; migrated on start. Default: `sqlite:demo.db`.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        value_name = "URL",
        conflicts_with = "db",
        value_parser = Unquoted::<DatabaseUrl>::new()
    )]
    pub database_url: Option<DatabaseUrl>,
    /// SQLite database file: the same as `--database-url sqlite:PATH`.
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// A reverse proxy whose forwarding header (`--forwarded-header`) names the client the
    /// login limiter counts under (repeat for several); without it, only the peer address
    /// counts. An IPv4-mapped IPv6 address is its IPv4 address.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<IpAddr>,
    /// The one header the trusted proxies maintain, the only one believed: a proxy passes the
    /// other through as the client wrote it.
    #[arg(
        long,
        value_enum,
        value_name = "HEADER",
        default_value_t = ForwardedHeader::XForwardedFor,
        requires = "trusted_proxies"
    )]
    pub forwarded_header: ForwardedHeader,
    /// The most memory argon2 may hold at once, in MiB, for password checks and new password
    /// hashes together (19 MiB each): as many run at once as there are cores, within it.
    /// Default 512.
    #[arg(long, value_name = "MIB")]
    pub hash_memory_budget: Option<u64>,
    /// Where the login limiter keeps its counters: `redis://HOST[:PORT][/DB]` (Redis, shared
    /// by every instance that names it, on either database) or `memory` (this process's own:
    /// each instance would allow the limits again). Default: the database, shared by every
    /// instance on it (a table of the SQLite file, or the library's table on PostgreSQL).
    #[arg(long, value_name = "STORE", value_parser = Unquoted::<LimiterOption>::new())]
    pub limiter: Option<LimiterOption>,
    /// The prefix of the login counters' keys in Redis (default `safe-update:login:`):
    /// instances that share counters use the same one, another application on that Redis
    /// another.
    #[arg(long, value_name = "PREFIX")]
    pub limiter_prefix: Option<String>,
    /// Administrative command; without one, the server runs.
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The database named by `--database-url`, `DATABASE_URL` or `--db`; `sqlite:demo.db`
    /// without any.
    pub fn database_url(&self) -> DatabaseUrl {
        match (&self.database_url, &self.db) {
            (Some(url), _) => url.clone(),
            (None, Some(path)) => DatabaseUrl::Sqlite(path.clone()),
            (None, None) => DatabaseUrl::Sqlite(PathBuf::from("demo.db")),
        }
    }
}

/// Reads a value that can hold a password (`--database-url` or `DATABASE_URL`, `--limiter`)
/// with an error of its own: clap's would quote the value.
#[derive(Debug)]
struct Unquoted<T>(PhantomData<fn() -> T>);

impl<T> Unquoted<T> {
    fn new() -> Self {
        Unquoted(PhantomData)
    }
}

impl<T> Clone for Unquoted<T> {
    fn clone(&self) -> Self {
        Unquoted::new()
    }
}

impl<T> TypedValueParser for Unquoted<T>
where
    T: FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let refuse = |reason: &str| {
            let arg = arg.map_or_else(|| "the option".to_owned(), ToString::to_string);
            let message = format!("invalid value for '{arg}': {reason}");
            cmd.clone().error(ErrorKind::ValueValidation, message)
        };
        let text = value.to_str().ok_or_else(|| refuse("it is not UTF-8"))?;
        text.parse().map_err(|reason: String| refuse(&reason))
    }
}

/// Administrative commands, run against the database and without a server.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Creates a user; reads the password from standard input (one line).
    AddUser {
        /// Login name: 1 to 32 of a-z, 0-9, '_', '-', '.', other than `.` and `..`.
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
    /// Prints who may write what (`examples/POLICY.md`): the models' write policy as a
    /// Markdown table, or with `--json` as JSON; touches no database.
    Policy {
        /// JSON (a list of model policies) instead of Markdown.
        #[arg(long)]
        json: bool,
    },
}

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
    password::check(username, password)?;
    Ok(Password::new(password))
}

/// Runs an administrative command (against the database at `url`, but `policy`).
pub fn run(url: &DatabaseUrl, command: Command) -> Result<(), String> {
    match command {
        Command::AddUser { username, admin } => write_password(url, &username, Some(admin)),
        Command::SetPassword { username } => write_password(url, &username, None),
        Command::Policy { json } => print_policy(json),
    }
}

/// Creates the user `username` (with `create`: whether it is an admin) or replaces its
/// password, read from standard input.
fn write_password(url: &DatabaseUrl, username: &str, create: Option<bool>) -> Result<(), String> {
    model::username(username)?;
    let password = read_password(username)?;
    let hash = hash_password(password.expose()).map_err(|error| error.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the runtime: {error}"))?;
    let written = runtime.block_on(async {
        let db = Database::open(url).await?;
        let written = match create {
            Some(admin) => db
                .insert_user(username, admin, &hash)
                .await
                .map(|user| user.is_some()),
            None => db.set_password(username, &hash).await,
        };
        written.map_err(|error| error.to_string())
    })?;
    match (written, create.is_some()) {
        (true, true) => eprintln!("created user {username}"),
        (true, false) => eprintln!("changed the password of {username}"),
        (false, true) => return Err(format!("the user name {username:?} is taken")),
        (false, false) => return Err(format!("there is no user {username:?}")),
    }
    Ok(())
}

/// Prints the demo's write policy: `examples/POLICY.md`'s text, or the policies as JSON. A
/// reader that closes the pipe early (`| head`) ends the output, not the program with a panic.
fn print_policy(json: bool) -> Result<(), String> {
    let text = if json {
        let models = crate::policy::models();
        // Serializing these types cannot fail: strings, lists and tagged enums.
        let mut text = serde_json::to_string_pretty(&models).expect("a policy as JSON");
        text.push('\n');
        text
    } else {
        crate::policy::document()
    };
    let mut out = std::io::stdout().lock();
    match std::io::Write::write_all(&mut out, text.as_bytes())
        .and_then(|()| std::io::Write::flush(&mut out))
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(format!("cannot write the policy: {error}")),
    }
}

//! The log lines of the process, for the cases that check what the authenticator logs.

use std::fmt::{self, Write as _};
use std::sync::{Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

static LINES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();

/// Every event of the process as one line, `LEVEL target field=value ...` (the message is the
/// field `message`): a global subscriber, so that it sees the events of every thread the
/// runtime and the authenticator use.
pub struct Logs;

impl Logs {
    /// Installs the subscriber, once per process (each test file is its own process).
    pub fn install() {
        let mut first = false;
        LINES.get_or_init(|| {
            first = true;
            Mutex::new(Vec::new())
        });
        if first {
            tracing::subscriber::set_global_default(Logs)
                .expect("no other global subscriber in a test file that runs the limiter suite");
        }
    }

    /// The lines logged so far that contain `needle` (a user name no other case uses).
    pub fn containing(needle: &str) -> Vec<String> {
        let lines = LINES.get().expect("Logs::install ran").lock().unwrap();
        lines
            .iter()
            .filter(|line| line.contains(needle))
            .cloned()
            .collect()
    }
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Logs {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let mut line = Line(format!("{} {}", metadata.level(), metadata.target()));
        event.record(&mut line);
        if let Some(lines) = LINES.get() {
            lines.lock().unwrap().push(line.0);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

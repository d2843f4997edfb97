//! A global `tracing` subscriber that keeps every event as one line, for the tests that read
//! the log. Global, not scoped: a scoped subscriber misses the events of a callsite that
//! another thread registered first. A process has one global subscriber: a test that asserts
//! on everything it saw installs its own ([`Capture::install`]) in a process of its own
//! ([`own_process`](crate::own_process)); tests that share a process share one
//! ([`Capture::shared`]) and read only the events of a user name no other test uses.

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::Field;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Each event as one line, `target field=value ...`, with its level beside it.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<Logged>>>);

/// One event, as [`Capture`] keeps it.
struct Logged {
    level: Level,
    target: String,
    /// The `message` field, empty when the event has none.
    message: String,
    /// `target field=value ...`, every field (the message too) in the order logged.
    line: String,
}

impl Capture {
    /// A capture installed as the process's global subscriber.
    ///
    /// # Panics
    ///
    /// When the process has a global subscriber already: one per process (see the
    /// [module](self)).
    pub fn install() -> Capture {
        let capture = Capture::default();
        tracing::subscriber::set_global_default(capture.clone()).unwrap();
        capture
    }

    /// The process's capture, installed by the first call (for code that several tests of
    /// one process share, such as the limiter suite).
    pub fn shared() -> &'static Capture {
        static SHARED: OnceLock<Capture> = OnceLock::new();
        SHARED.get_or_init(Capture::install)
    }

    /// Every event logged so far.
    pub fn lines(&self) -> Vec<String> {
        let logged = self.0.lock().unwrap();
        logged.iter().map(|event| event.line.clone()).collect()
    }

    /// Every event logged so far that contains `needle`, as `LEVEL target field=value ...`.
    pub fn containing(&self, needle: &str) -> Vec<String> {
        let logged = self.0.lock().unwrap();
        logged
            .iter()
            .filter(|event| event.line.contains(needle))
            .map(|event| format!("{} {}", event.level, event.line))
            .collect()
    }

    /// The security events (target `safe_update::security`) logged so far.
    pub fn security(&self) -> Vec<String> {
        let logged = self.0.lock().unwrap();
        logged
            .iter()
            .filter(|event| event.target == "safe_update::security")
            .map(|event| event.line.clone())
            .collect()
    }

    /// The message of every event at `level` from `target` or a module below it, logged so
    /// far.
    pub fn messages(&self, level: Level, target: &str) -> Vec<String> {
        let below = format!("{target}::");
        let logged = self.0.lock().unwrap();
        logged
            .iter()
            .filter(|event| event.level == level)
            .filter(|event| event.target == target || event.target.starts_with(&below))
            .map(|event| event.message.clone())
            .collect()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let target = event.metadata().target().to_owned();
        let mut line = target.clone();
        let mut message = String::new();
        event.record(&mut |field: &Field, value: &dyn fmt::Debug| {
            let _ = write!(line, " {}={:?}", field.name(), value);
            if field.name() == "message" {
                message = format!("{value:?}");
            }
        });
        let level = *event.metadata().level();
        self.0.lock().unwrap().push(Logged {
            level,
            target,
            message,
            line,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

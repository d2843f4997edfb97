//! A global `tracing` subscriber that keeps every event as one line, for the tests that read
//! the security log. Global, not scoped: a scoped subscriber misses the events of a callsite
//! that another thread registered first, so each such test runs in its own process.

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::Field;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Each event as one line, `target field=value ...`, with its level beside it.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<(Level, String)>>>);

impl Capture {
    /// A capture installed as the process's global subscriber.
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
        let lines = self.0.lock().unwrap();
        lines.iter().map(|(_, line)| line.clone()).collect()
    }

    /// Every event logged so far that contains `needle`, as `LEVEL target field=value ...`.
    pub fn containing(&self, needle: &str) -> Vec<String> {
        let lines = self.0.lock().unwrap();
        lines
            .iter()
            .filter(|(_, line)| line.contains(needle))
            .map(|(level, line)| format!("{level} {line}"))
            .collect()
    }

    /// The security events (target `safe_update::security`) logged so far.
    pub fn security(&self) -> Vec<String> {
        let lines = self.0.lock().unwrap();
        lines
            .iter()
            .map(|(_, line)| line)
            .filter(|line| line.starts_with("safe_update::security "))
            .cloned()
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
        let mut line = event.metadata().target().to_owned();
        event.record(&mut |field: &Field, value: &dyn fmt::Debug| {
            let _ = write!(line, " {}={:?}", field.name(), value);
        });
        let level = *event.metadata().level();
        self.0.lock().unwrap().push((level, line));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

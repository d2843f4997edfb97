//! The login limiter's suite (`safe_update_tests::limiter_suite`) on the demo's store over an
//! SQLite file (`SqliteCounters`), as two servers on one file have it: two handles, each with
//! its own connections, the calls alternating between them, so that nothing but SQLite's
//! lock keeps their counts apart (a burst's calls contend for it from both).
//!
//! `limiter_sqlite.rs` runs the same suite on one handle in this process: each case names its
//! users afresh (the failing store's case finds its log lines by them), so the two runs of a
//! case never read each other's lines.

use crate::common::on_one_file::OnOneFile;

safe_update_tests::limiter_suite!(|| async { OnOneFile::open(2) });

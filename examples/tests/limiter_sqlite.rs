//! The login limiter's suite (`safe_update_tests::limiter_suite`: the cases every counter
//! store passes, bursts, expiry, forgetting, a counter deleted between two steps, IPv6
//! prefixes, the longest keys, a failing store) on the demo's store over an SQLite file
//! (`SqliteCounters`), one handle on the file, as one server has: its calls queue on the
//! writer connection. `limiter_sqlite_shared.rs` runs it on two handles on one file.

mod on_one_file;

safe_update_tests::limiter_suite!(|| async { on_one_file::OnOneFile::open(1) });

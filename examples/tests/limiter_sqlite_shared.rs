//! The login limiter's suite (`safe_update_tests::limiter_suite`) on the demo's store over an
//! SQLite file (`SqliteCounters`), as two servers on one file have it: two handles, each with
//! its own connections, the calls alternating between them, so that nothing but SQLite's
//! lock keeps their counts apart (a burst's calls contend for it from both). A test binary of
//! its own: the suite's cases name their users once per process (a failing store's log lines
//! are found by the name).

mod on_one_file;

safe_update_tests::limiter_suite!(|| async { on_one_file::OnOneFile::open(2) });

//! The limiter suite on the in-memory counters (`MemoryCounters`, the store of `MemoryLimiter`).

use safe_update::auth::MemoryCounters;

safe_update_tests::limiter_suite!(|| async { Ok(MemoryCounters::new()) });

//! The criterion settings every bench of this crate uses.

use std::time::Duration;

use criterion::Criterion;

/// Short runs: the machine is shared and noisy, so wall time only gives a first look and
/// callgrind (`scripts/callgrind.sh`) decides ratios near 1.
pub fn short() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

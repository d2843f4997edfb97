//! The argon2 runs that may happen at once, shared by every password check and every new hash:
//! how many (the cores, within a memory budget), the memory they run in (pooled), and the
//! bounded queue in front of them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use argon2::Block;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// No slot came free in time, or the queue for one was full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Busy;

/// The slots: one permit is the memory of one hash with the OWASP cost.
pub(crate) struct Slots {
    permits: Arc<Semaphore>,
    total: u32,
    waiting: AtomicUsize,
    max_waiting: usize,
    wait: Duration,
    pub(crate) blocks: BlockPool,
}

/// A slot held: argon2 may run while it lives.
pub(crate) type Slot = OwnedSemaphorePermit;

impl Slots {
    /// `total` slots (at least 1) of `blocks` argon2 blocks each; at most `max_waiting`
    /// requests wait for one, each at most `wait`.
    pub(crate) fn new(total: usize, max_waiting: usize, wait: Duration, blocks: usize) -> Self {
        let total = total.clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        Slots {
            permits: Arc::new(Semaphore::new(total)),
            // Clamped just above.
            total: u32::try_from(total).unwrap_or(u32::MAX),
            waiting: AtomicUsize::new(0),
            max_waiting,
            wait,
            blocks: BlockPool::new(blocks, total),
        }
    }

    /// How many hashes of the OWASP cost may run at once.
    pub(crate) fn total(&self) -> usize {
        self.total as usize
    }

    /// How many requests may wait for a slot.
    pub(crate) fn max_waiting(&self) -> usize {
        self.max_waiting
    }

    /// How many requests wait for a slot now.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// How long a request waits for a slot.
    pub(crate) fn wait(&self) -> Duration {
        self.wait
    }

    /// The slots a run over `needed` argon2 blocks takes: one per OWASP-sized share of its
    /// memory, so that a stored hash with a higher memory cost counts for what it holds. One
    /// costlier than all the slots together takes them all, and runs alone.
    pub(crate) fn units(&self, needed: usize) -> u32 {
        let units = needed.div_ceil(self.blocks.blocks).max(1);
        u32::try_from(units).unwrap_or(u32::MAX).min(self.total)
    }

    /// Takes `units` slots: at once when they are free, else after waiting in the queue (at
    /// most `wait`); [`Busy`] at once when `max_waiting` requests wait already.
    pub(crate) async fn acquire(&self, units: u32) -> Result<Slot, Busy> {
        let units = units.clamp(1, self.total);
        if let Ok(slot) = Arc::clone(&self.permits).try_acquire_many_owned(units) {
            return Ok(slot);
        }
        // Counted before the check, so that two requests cannot both take the last place.
        let ahead = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _queued = Queued(&self.waiting);
        if ahead >= self.max_waiting {
            return Err(Busy);
        }
        let permits = Arc::clone(&self.permits).acquire_many_owned(units);
        match tokio::time::timeout(self.wait, permits).await {
            Ok(Ok(slot)) => Ok(slot),
            // Timed out; the semaphore is never closed.
            _ => Err(Busy),
        }
    }
}

/// A place in the queue, given back when the request leaves it (served, refused or dropped).
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// argon2 working memory kept between runs, one buffer per slot.
///
/// Allocating and freeing 19 MiB per run makes glibc raise its mmap threshold and then serve
/// the blocks from per-thread arenas, which keep them: with runs moving between blocking-pool
/// threads the process grows to gigabytes. Reused buffers are allocated once. They are made on
/// first use, so the resident memory follows the concurrency actually seen, and never
/// outnumber the slots, since every run holds one.
pub(crate) struct BlockPool {
    free: Mutex<Vec<Box<[Block]>>>,
    /// Blocks per pooled buffer: the OWASP memory cost of new hashes.
    blocks: usize,
    /// How many buffers are kept: the number of slots.
    capacity: usize,
    /// Blocks allocated now, pooled or in use, and the most ever: what tests read to see that
    /// argon2 never held more than the slots allow.
    held: AtomicUsize,
    peak: AtomicUsize,
}

impl BlockPool {
    /// A pool of up to `capacity` buffers of `blocks` blocks, none allocated yet.
    fn new(blocks: usize, capacity: usize) -> Self {
        BlockPool {
            free: Mutex::new(Vec::with_capacity(capacity)),
            blocks,
            capacity,
            held: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// A buffer of at least `needed` blocks, returned to the pool when dropped. The caller
    /// holds the slots for it ([`Slots::units`]).
    pub(crate) fn take(&self, needed: usize) -> PooledBlocks<'_> {
        // argon2 uses the first `needed` blocks of a larger buffer (its block count, not the
        // buffer's length, enters the hash), so a cheaper stored hash shares the pooled memory;
        // a costlier one gets its own buffer, for this call only, and the idle buffers of the
        // slots it holds are freed first, so that the memory stays within the slots.
        let pooled = if needed <= self.blocks {
            self.lock().pop()
        } else {
            let idle: Vec<_> = {
                let mut free = self.lock();
                let units = needed.div_ceil(self.blocks).min(free.len());
                let keep = free.len() - units;
                free.drain(keep..).collect()
            };
            for buffer in idle {
                self.free_buffer(buffer);
            }
            None
        };
        let buffer = pooled.unwrap_or_else(|| {
            let len = needed.max(self.blocks);
            let held = self.held.fetch_add(len, Ordering::SeqCst) + len;
            self.peak.fetch_max(held, Ordering::SeqCst);
            vec![Block::default(); len].into_boxed_slice()
        });
        PooledBlocks { pool: self, buffer }
    }

    fn put(&self, buffer: Box<[Block]>) {
        let mut free = self.lock();
        if buffer.len() == self.blocks && free.len() < self.capacity {
            free.push(buffer);
        } else {
            drop(free);
            self.free_buffer(buffer);
        }
    }

    /// Frees a buffer the pool does not keep, and counts it as freed.
    fn free_buffer(&self, buffer: Box<[Block]>) {
        self.held.fetch_sub(buffer.len(), Ordering::SeqCst);
        drop(buffer);
    }

    /// The most argon2 blocks ever allocated at once (1 KiB each).
    pub(crate) fn peak_blocks(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// The sizes of the buffers waiting in the pool.
    #[cfg(test)]
    pub(crate) fn pooled(&self) -> Vec<usize> {
        self.lock().iter().map(|b| b.len()).collect()
    }

    // A panic while holding the lock leaves only a list of buffers, still valid.
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Box<[Block]>>> {
        self.free.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A buffer taken from a [`BlockPool`]; going back even when argon2 fails or panics.
pub(crate) struct PooledBlocks<'a> {
    pool: &'a BlockPool,
    pub(crate) buffer: Box<[Block]>,
}

impl Drop for PooledBlocks<'_> {
    fn drop(&mut self) {
        // An empty boxed slice does not allocate.
        let buffer = std::mem::take(&mut self.buffer);
        if !buffer.is_empty() {
            self.pool.put(buffer);
        }
    }
}

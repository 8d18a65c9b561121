//! Pieces of work done in parallel and then finished one at a time in the order they were
//! numbered, by whichever thread finds the next piece ready: no thread hands its piece to
//! another and waits (see `cmd::validate`'s streaming check, where the pieces are chunks
//! of rows and finishing them is the in-order checks).

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};

/// A lock whose holder panicked still guards consistent data here (each holder finishes
/// its update before anything can fail), and the panic itself is reported when the threads
/// are joined.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Pieces done, waiting to be finished in number order (numbers from 0, each handed over
/// once).
pub struct Ordered<T> {
    ready: Mutex<Ready<T>>,
    drained: Condvar,
    backlog: usize,
}

struct Ready<T> {
    /// The number of the piece to finish next.
    next: u64,
    pieces: BTreeMap<u64, T>,
    /// A worker died (a panic): the pieces it held will never come.
    abandoned: bool,
}

impl<T> Ordered<T> {
    /// At most `backlog` pieces wait to be finished before [`Ordered::wait_for_room`] holds a
    /// thread back (memory stays bounded when the next piece is late).
    pub fn new(backlog: usize) -> Self {
        Ordered {
            ready: Mutex::new(Ready {
                next: 0,
                pieces: BTreeMap::new(),
                abandoned: false,
            }),
            drained: Condvar::new(),
            backlog: backlog.max(1),
        }
    }

    /// Wait while the backlog is full; `false` when the work was abandoned (a worker died)
    /// and the thread should stop. The backlog drains: the piece it waits for is with a
    /// thread that is working on it, not waiting here (a thread calls this only between
    /// pieces) — or that thread died, and its [`Worker`] guard lets everyone go.
    pub fn wait_for_room(&self) -> bool {
        let mut r = lock(&self.ready);
        while !r.abandoned && r.pieces.len() >= self.backlog {
            r = self.drained.wait(r).unwrap_or_else(PoisonError::into_inner);
        }
        !r.abandoned
    }

    /// A guard each worker holds while it works: should the worker panic (a bug), the
    /// pieces it held will never come, and the threads waiting for room are let go, so the
    /// panic reaches the caller instead of the others waiting for ever.
    pub fn worker(&self) -> Worker<'_, T> {
        Worker(self)
    }

    /// Hand over piece `n`, then finish every piece that is next in order with `finish` on
    /// `stage` — unless another thread is finishing pieces: that thread looks for ready
    /// pieces again after it lets go of `stage`, so a piece left here is never forgotten.
    pub fn deposit<S>(
        &self,
        n: u64,
        piece: T,
        stage: &Mutex<S>,
        mut finish: impl FnMut(&mut S, T),
    ) {
        lock(&self.ready).pieces.insert(n, piece);
        loop {
            let mut s = match stage.try_lock() {
                Ok(s) => s,
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            loop {
                let next = {
                    let mut r = lock(&self.ready);
                    let n = r.next;
                    let piece = r.pieces.remove(&n);
                    if piece.is_some() {
                        r.next += 1;
                    }
                    piece
                };
                let Some(piece) = next else { break };
                finish(&mut s, piece);
                self.drained.notify_all();
            }
            drop(s);
            let r = lock(&self.ready);
            if !r.pieces.contains_key(&r.next) {
                return;
            }
        }
    }

    fn abandon(&self) {
        lock(&self.ready).abandoned = true;
        self.drained.notify_all();
    }

    /// Pieces handed over and not finished (none once every piece up to the last was).
    pub fn waiting(&self) -> usize {
        lock(&self.ready).pieces.len()
    }
}

/// See [`Ordered::worker`].
pub struct Worker<'a, T>(&'a Ordered<T>);

impl<T> Drop for Worker<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.abandon();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_handed_over_out_of_order_are_finished_in_order() {
        let ordered = Ordered::new(8);
        let stage = Mutex::new(Vec::new());
        let push = |s: &mut Vec<u64>, n: u64| s.push(n);
        for n in [3, 1, 2] {
            ordered.deposit(n, n, &stage, push);
            assert!(lock(&stage).is_empty(), "finished before piece 0 came");
        }
        ordered.deposit(0, 0, &stage, push);
        assert_eq!(*lock(&stage), vec![0, 1, 2, 3]);
        ordered.deposit(5, 5, &stage, push);
        ordered.deposit(4, 4, &stage, push);
        assert_eq!(*lock(&stage), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(ordered.waiting(), 0);
    }

    /// Eight threads take numbers in turn and hand their pieces over after an uneven delay,
    /// so later pieces often arrive first: all are finished, in order, with the number waiting
    /// bounded by the backlog.
    #[test]
    fn threads_finishing_at_random_hand_every_piece_over_in_order() {
        let ordered = Ordered::new(4);
        let stage = Mutex::new((Vec::new(), 0usize));
        let taken = Mutex::new(0u64);
        let total = 2000;
        std::thread::scope(|scope| {
            for t in 0..8u64 {
                let (ordered, stage, taken) = (&ordered, &stage, &taken);
                scope.spawn(move || loop {
                    if !ordered.wait_for_room() {
                        break;
                    }
                    let n = {
                        let mut k = lock(taken);
                        if *k == total {
                            break;
                        }
                        *k += 1;
                        *k - 1
                    };
                    // A spread of delays: a piece waits up to ~50 µs behind those after it.
                    let spin = (n * 7919 + t * 104_729) % 50;
                    std::thread::sleep(std::time::Duration::from_micros(spin));
                    ordered.deposit(n, n, stage, |s: &mut (Vec<u64>, usize), n| {
                        s.0.push(n);
                        s.1 = s.1.max(ordered.waiting());
                    });
                });
            }
        });
        let (done, most_waiting) = &*lock(&stage);
        assert_eq!(*done, (0..total).collect::<Vec<u64>>());
        // The backlog, and a piece from each thread that got past it at the same time.
        assert!(*most_waiting <= 4 + 8, "{most_waiting} pieces waited");
        assert_eq!(ordered.waiting(), 0);
    }

    /// A worker dies holding piece 0 while another has handed over piece 1 and waits for
    /// room (backlog 1): the waiting thread is let go and the panic reaches the caller,
    /// instead of the run waiting for ever.
    #[test]
    fn a_worker_that_panics_lets_the_waiting_threads_go() {
        let ordered = Ordered::new(1);
        let stage = Mutex::new(Vec::new());
        let (handed_over, quiet) = (std::sync::Barrier::new(2), std::panic::take_hook());
        std::panic::set_hook(Box::new(|_| {}));
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            std::thread::scope(|scope| {
                scope.spawn(|| {
                    let _worker = ordered.worker();
                    handed_over.wait();
                    panic!("a bug while working on piece 0");
                });
                scope.spawn(|| {
                    let _worker = ordered.worker();
                    ordered.deposit(1, 1u64, &stage, |s: &mut Vec<u64>, n| s.push(n));
                    handed_over.wait();
                    assert!(!ordered.wait_for_room(), "the work was abandoned");
                });
            });
        }));
        std::panic::set_hook(quiet);
        assert!(run.is_err(), "the panic reached the caller");
        assert!(lock(&stage).is_empty());
    }
}

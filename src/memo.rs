//! Per-thread caches for pure functions of a cell's text. A province table repeats the same
//! few hundred 公开依据, 公开时限 and channel lists across thousands of units (each unit adapts
//! the same reference catalogue), so parsing each distinct text once per thread instead of once
//! per row is most of the work of the rules that read them. Only pure functions are cached:
//! the result depends on the text alone, never on the item or its place, so caching cannot
//! change a diagnostic.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use std::rc::Rc;
use std::thread::LocalKey;

/// A cache: text → result. Per thread, so no locking.
/// FxHash: the keys are cell texts of the user's own file, hashed on every row, and SipHash's
/// resistance to chosen collisions buys nothing here (a cache miss only costs a parse).
pub type Cache<V> = RefCell<FxHashMap<Box<str>, Rc<V>>>;

/// Entries kept per cache and thread before it starts again (a table of distinct texts must
/// not grow a cache without bound).
const MAX_ENTRIES: usize = 4096;

/// Texts longer than this are not cached: long cells are rarely repeated, and hashing them
/// would cost about what parsing does.
const MAX_KEY_BYTES: usize = 1024;

/// Texts shorter than this are not worth a lookup when the work is one [`crate::text::glance`]
/// (about 3 instructions a byte): a lookup hashes and compares the whole key and costs about
/// 180 instructions whatever the result. Measured on the 公开依据 (≈ 130 bytes, cached) and
/// the 公开时限, 公开主体 and 一级事项 (20–50 bytes, cheaper scanned).
pub const WORTH_BYTES: usize = 64;

/// `f(key)`, computed once per distinct key on this thread.
pub fn get<V>(cache: &'static LocalKey<Cache<V>>, key: &str, f: impl FnOnce(&str) -> V) -> Rc<V> {
    if key.len() > MAX_KEY_BYTES {
        return Rc::new(f(key));
    }
    cache.with(|c| {
        if let Some(v) = c.borrow().get(key) {
            return Rc::clone(v);
        }
        let v = Rc::new(f(key));
        let mut m = c.borrow_mut();
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(Box::from(key), Rc::clone(&v));
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static LENGTHS: Cache<usize> = RefCell::default();
        static CALLS: Cell<usize> = const { Cell::new(0) };
    }

    fn length(s: &str) -> Rc<usize> {
        get(&LENGTHS, s, |s| {
            CALLS.with(|c| c.set(c.get() + 1));
            s.chars().count()
        })
    }

    #[test]
    fn a_repeated_text_is_computed_once_and_a_full_cache_starts_again() {
        assert_eq!(*length("公开时限"), 4);
        assert_eq!(*length("公开时限"), 4);
        assert_eq!(CALLS.with(Cell::get), 1);
        for i in 0..MAX_ENTRIES + 10 {
            assert_eq!(*length(&i.to_string()), i.to_string().len());
        }
        assert!(LENGTHS.with(|c| c.borrow().len()) <= MAX_ENTRIES);
        let long = "长".repeat(MAX_KEY_BYTES);
        assert_eq!(*length(&long), MAX_KEY_BYTES);
        assert!(!LENGTHS.with(|c| c.borrow().contains_key(long.as_str())));
    }
}

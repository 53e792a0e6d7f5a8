//! A small cache of computed page data, for pages whose queries scan many rows (the
//! dashboard's counts). An entry serves while the store's generation is unchanged
//! ([`crate::store::browse::generation`]). A writer's statement moves the generation before
//! its commit, so an entry computed in between may miss that write: entries older than
//! [`MAX_AGE`] are served once more while one request computes them again.
//!
//! Only one request computes a missing entry at a time ([`PageCache::computing`]); the others
//! wait for it and then find the entry, instead of all scanning at once.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const MAX_AGE: Duration = Duration::from_secs(10);
const MAX_ENTRIES: usize = 64;

struct Entry<V> {
    generation: i64,
    made: Instant,
    value: Arc<V>,
}

pub struct PageCache<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// Held while an entry is computed.
    pub computing: tokio::sync::Mutex<()>,
    /// Keys being computed again in the background.
    refreshing: Mutex<std::collections::HashSet<K>>,
}

impl<K: Eq + Hash + Clone, V> Default for PageCache<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            computing: tokio::sync::Mutex::new(()),
            refreshing: Mutex::new(std::collections::HashSet::new()),
        }
    }
}

/// What the cache holds for a key at a generation.
pub enum Found<V> {
    Fresh(Arc<V>),
    /// Of this generation, but older than [`MAX_AGE`]: serve it, and compute it again.
    Old(Arc<V>),
    Missing,
}

impl<K: Eq + Hash + Clone, V> PageCache<K, V> {
    /// The value for `key` made at `generation`, if it is still fresh.
    pub fn get(&self, key: &K, generation: i64) -> Option<Arc<V>> {
        match self.find(key, generation) {
            Found::Fresh(v) => Some(v),
            Found::Old(_) | Found::Missing => None,
        }
    }

    /// The value for `key` made at `generation`, fresh or old.
    pub fn find(&self, key: &K, generation: i64) -> Found<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key).filter(|e| e.generation == generation) {
            Some(e) if e.made.elapsed() < MAX_AGE => Found::Fresh(e.value.clone()),
            Some(e) => Found::Old(e.value.clone()),
            None => Found::Missing,
        }
    }

    /// Marks `key` as being computed again; false when it already is.
    pub fn start_refresh(&self, key: &K) -> bool {
        let mut refreshing = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        refreshing.insert(key.clone())
    }

    pub fn end_refresh(&self, key: &K) {
        let mut refreshing = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        refreshing.remove(key);
    }

    /// Keeps `value` for `key` at `generation`; when full, drops the oldest entry.
    pub fn put(&self, key: K, generation: i64, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            let oldest = entries
                .iter()
                .min_by_key(|(_, e)| e.made)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                entries.remove(&k);
            }
        }
        entries.insert(
            key,
            Entry {
                generation,
                made: Instant::now(),
                value: value.clone(),
            },
        );
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_serves_its_generation_only_and_the_oldest_goes_first() {
        let cache: PageCache<u32, &str> = PageCache::default();
        cache.put(1, 7, "seven");
        assert_eq!(cache.get(&1, 7).as_deref(), Some(&"seven"));
        assert!(cache.get(&1, 8).is_none(), "the store changed");
        assert!(cache.get(&2, 7).is_none());
        for k in 0..MAX_ENTRIES as u32 + 5 {
            cache.put(k + 10, 7, "x");
        }
        assert!(cache.get(&1, 7).is_none(), "evicted");
        assert!(cache.entries.lock().unwrap().len() <= MAX_ENTRIES);
    }
}

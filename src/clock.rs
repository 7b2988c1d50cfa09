//! The time and the identifiers the program stamps on new annotations. The core never reads
//! the clock; these are passed into it.

use std::hash::BuildHasher as _;
use std::time::{SystemTime, UNIX_EPOCH};

use lectern_core::annotation::{AnnotationId, Timestamp};

/// Now, to the millisecond.
pub fn now() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    Timestamp::from_millis(i64::try_from(millis).unwrap_or(i64::MAX))
}

/// A new annotation id made at `now`: a ULID, so ids sort by the time they were made.
pub fn new_id(now: Timestamp) -> AnnotationId {
    AnnotationId::ulid(now, random_bits())
}

/// Eighty bits for an identifier, from the process's randomly keyed hasher.
fn random_bits() -> u128 {
    let state = std::collections::hash_map::RandomState::new();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let high = state.hash_one((nanos, std::process::id()));
    let low = state.hash_one((high, nanos));
    (u128::from(high) << 64) | u128::from(low)
}

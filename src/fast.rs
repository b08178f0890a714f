//! Maps and sets with a fast hasher of a fixed seed: the same iteration order in every run (the
//! outputs are deterministic) and no per-process random state. Their keys come from the site's
//! own files, which the build trusts as far as hashing goes.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

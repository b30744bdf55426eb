//! Placeholder, replaced by the net benchmarks.
fn main() {}

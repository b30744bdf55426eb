//! solio: a single-threaded async runtime with asyncio's toolkit.

pub mod sync;

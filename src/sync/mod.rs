//! Synchronization for tasks on one runtime: asyncio's `Semaphore`, `Lock`, `Event`, `Condition`,
//! `Barrier` and queues, plus a one-shot channel.

pub mod oneshot;

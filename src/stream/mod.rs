//! Async generators: streams written as `async` code that yields (asyncio's `async def` with `yield`).
//!
//! A stream here is a [`futures_core::Stream`], the `async for` of Rust. [`generate`] builds one from an
//! async closure that receives a [`Co`] and calls [`Co::yield_`]; [`try_generate`] is the fallible
//! variant whose body may use `?`. Iterate with [`futures_lite::StreamExt`](https://docs.rs/futures-lite):
//!
//! ```
//! use std::pin::pin;
//! use futures_lite::StreamExt;
//! use solio::stream::generate;
//!
//! solio::run(async {
//!     // `async for x in countdown(3)`:
//!     let countdown = |from: u32| generate(move |mut co| async move {
//!         for i in (1..=from).rev() {
//!             co.yield_(i).await;
//!         }
//!     });
//!     let mut s = pin!(countdown(3));
//!     while let Some(x) = s.next().await {
//!         println!("{x}");
//!     }
//!     // Or collect it, or use any other adapter:
//!     let all: Vec<u32> = countdown(3).collect().await;
//!     assert_eq!(all, [3, 2, 1]);
//!     let doubled: Vec<u32> = countdown(2).map(|x| x * 2).collect().await;
//!     assert_eq!(doubled, [4, 2]);
//! });
//! ```
//!
//! The streams of [`as_completed`](crate::as_completed) work the same way.

mod generate;

pub use generate::{Co, Generate, TryGenerate, Yield, generate, try_generate};

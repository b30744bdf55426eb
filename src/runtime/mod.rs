//! The runtime: an executor, a reactor and a timer wheel driven by one thread.
//!
//! [`run`] is asyncio's `asyncio.run`; [`Runtime`] and [`Builder`] give control over the settings.

pub(crate) mod context;
pub(crate) mod scheduler;

use std::fmt;
use std::future::Future;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use scheduler::{Config, Core};

/// The default number of tasks polled in one scheduler turn before I/O and timers are checked.
pub const DEFAULT_EVENT_INTERVAL: usize = 61;

/// Runs `future` to completion on a new runtime, then drops every task still pending (asyncio's
/// `asyncio.run`).
///
/// # The `SOLIO_CLOCK` environment variable
/// When `SOLIO_CLOCK=paused` is set, `run` builds its runtime with the
/// [paused clock](Builder::paused_clock): a whole program that sleeps for minutes then runs in
/// milliseconds, with the same output, which is how the test suite checks the examples. `real` (or
/// no variable) keeps the real clock; any other value is an error (a panic naming it), so a typo does not
/// go unnoticed. Runtimes made with
/// [`Builder`] ignore the variable.
///
/// # Panics
/// If the runtime cannot be created (the OS refuses an epoll instance or an eventfd), if `SOLIO_CLOCK`
/// holds anything but `paused` or `real`, if called from inside a running runtime, or if `future`
/// panics.
///
/// # Examples
/// ```
/// use std::time::Duration;
///
/// let out = solio::run(async {
///     solio::time::sleep(Duration::from_millis(1)).await;
///     "done"
/// });
/// assert_eq!(out, "done");
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    let mut builder = Builder::new();
    match std::env::var_os("SOLIO_CLOCK") {
        None => {}
        Some(v) if v == "paused" => {
            builder.paused_clock(true);
        }
        Some(v) if v == "real" => {}
        Some(v) => panic!("solio::run: SOLIO_CLOCK must be `paused` or `real`, got {v:?}"),
    }
    let rt = match builder.build() {
        Ok(rt) => rt,
        Err(e) => panic!("solio::run: failed to create the runtime: {e}"),
    };
    rt.block_on(future)
}

/// A single-threaded runtime: it runs tasks, I/O and timers on the thread that calls
/// [`block_on`](Runtime::block_on).
///
/// A `Runtime` is `!Send`: its tasks need not be `Send`, so they may never leave the thread. Dropping it
/// drops every task that is still pending (their [`JoinHandle`](crate::task::JoinHandle)s then report
/// cancellation) and frees every timer and I/O registration.
///
/// # Examples
/// ```
/// let rt = solio::Runtime::new().unwrap();
/// let n = rt.block_on(async { solio::spawn(async { 1 + 1 }).await.unwrap() });
/// assert_eq!(n, 2);
/// ```
pub struct Runtime {
    core: Rc<Core>,
}

impl Runtime {
    /// A runtime with the default settings (real clock, event interval of
    /// [`DEFAULT_EVENT_INTERVAL`]).
    ///
    /// # Errors
    /// When the OS refuses the resources the reactor needs (an epoll instance and an eventfd).
    pub fn new() -> io::Result<Runtime> {
        Builder::new().build()
    }

    /// A [`Builder`] to choose the settings.
    ///
    /// # Examples
    /// ```
    /// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// Runs `future` on this thread until it completes, driving spawned tasks, I/O and timers meanwhile.
    ///
    /// Tasks still pending when `block_on` returns stay in the runtime: a later `block_on` runs them on,
    /// and dropping the runtime drops them.
    ///
    /// # Panics
    /// If called from inside a running runtime (runtimes do not nest: the outer one's tasks would stall),
    /// and with the panic of `future` itself if it panics (panics of spawned tasks are caught and reported
    /// by their `JoinHandle`).
    ///
    /// # Examples
    /// ```
    /// let rt = solio::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 7 }), 7);
    /// assert_eq!(rt.block_on(async { 8 }), 8);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.core.block_on(future)
    }

    /// A snapshot of what the runtime holds right now.
    ///
    /// # Examples
    /// ```
    /// let rt = solio::Runtime::new().unwrap();
    /// rt.block_on(async { drop(solio::spawn(std::future::pending::<()>())) });
    /// assert_eq!(rt.metrics().tasks, 1);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics {
            tasks: self.core.num_tasks(),
            timers: self.core.time.wheel.borrow().len(),
            io_sources: self.core.reactor.num_sources(),
            blocking_threads: self.core.blocking.num_threads(),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.core.shutdown();
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").field("metrics", &self.metrics()).finish()
    }
}

/// What a runtime holds at one moment, from [`Runtime::metrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuntimeMetrics {
    /// Tasks whose future is still alive (spawned and not yet finished, panicked or cancelled).
    pub tasks: usize,
    /// Timer entries in the wheel (registered sleeps and timeouts not yet dropped).
    pub timers: usize,
    /// I/O sources registered with the reactor.
    pub io_sources: usize,
    /// Threads alive in the blocking pool (see [`spawn_blocking`](crate::task::spawn_blocking)).
    pub blocking_threads: usize,
}

/// Chooses a runtime's settings.
///
/// # Examples
/// ```
/// let rt = solio::Runtime::builder()
///     .paused_clock(true)
///     .event_interval(32)
///     .build()
///     .unwrap();
/// let slept = rt.block_on(async {
///     let start = solio::time::Instant::now();
///     solio::time::sleep(std::time::Duration::from_secs(10)).await;
///     start.elapsed()
/// });
/// assert_eq!(slept, std::time::Duration::from_secs(10));
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    config: Config,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// The default settings: real clock, event interval of [`DEFAULT_EVENT_INTERVAL`].
    pub fn new() -> Builder {
        Builder {
            config: Config {
                event_interval: DEFAULT_EVENT_INTERVAL,
                paused_clock: false,
                slow_poll: None,
                max_blocking_threads: crate::task::DEFAULT_MAX_BLOCKING_THREADS,
                thread_keep_alive: crate::task::DEFAULT_THREAD_KEEP_ALIVE,
            },
        }
    }

    /// Uses a virtual clock that stands still while tasks run and, when every task is idle and no I/O
    /// is ready, jumps straight to the next timer deadline. Programs that sleep for minutes finish in
    /// milliseconds, in the same order every run, and [`Instant::now`](crate::time::Instant::now) reports
    /// the virtual time. Meant for tests.
    pub fn paused_clock(&mut self, paused: bool) -> &mut Builder {
        self.config.paused_clock = paused;
        self
    }

    /// How many tasks one scheduler turn polls at most before it checks I/O and fires due timers
    /// (default [`DEFAULT_EVENT_INTERVAL`]). Smaller means fairer to I/O and timers, larger means less
    /// overhead per task.
    ///
    /// # Panics
    /// If `n` is 0.
    pub fn event_interval(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "Builder::event_interval must be at least 1");
        self.config.event_interval = n;
        self
    }

    /// The most threads the blocking pool of [`spawn_blocking`](crate::task::spawn_blocking) (and of
    /// [`fs`](crate::fs) and host-name lookups) runs at once (default
    /// [`DEFAULT_MAX_BLOCKING_THREADS`](crate::task::DEFAULT_MAX_BLOCKING_THREADS)). Threads start only
    /// when a job finds none idle; jobs beyond the limit wait in a FIFO queue.
    ///
    /// # Panics
    /// If `n` is 0.
    ///
    /// # Examples
    /// ```
    /// let rt = solio::Runtime::builder().max_blocking_threads(2).build().unwrap();
    /// let out = rt.block_on(async {
    ///     let jobs: Vec<_> = (0..4).map(|i| solio::task::spawn_blocking(move || i * 10)).collect();
    ///     let mut out = Vec::new();
    ///     for job in jobs {
    ///         out.push(job.await.unwrap());
    ///     }
    ///     out
    /// });
    /// assert_eq!(out, [0, 10, 20, 30]);
    /// assert!(rt.metrics().blocking_threads <= 2);
    /// ```
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "Builder::max_blocking_threads must be at least 1");
        self.config.max_blocking_threads = n;
        self
    }

    /// How long a blocking-pool thread waits for a new job before it exits (default
    /// [`DEFAULT_THREAD_KEEP_ALIVE`](crate::task::DEFAULT_THREAD_KEEP_ALIVE), 10 s).
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = solio::Runtime::builder().thread_keep_alive(Duration::from_millis(10)).build().unwrap();
    /// rt.block_on(async { solio::task::spawn_blocking(|| ()).await.unwrap() });
    /// std::thread::sleep(Duration::from_millis(500));
    /// assert_eq!(rt.metrics().blocking_threads, 0);
    /// ```
    pub fn thread_keep_alive(&mut self, keep_alive: Duration) -> &mut Builder {
        self.config.thread_keep_alive = keep_alive;
        self
    }

    /// Warns on standard error whenever one poll of a task (or of the `block_on` future) takes longer
    /// than `threshold`, naming the task and the time it took: asyncio's debug-mode "slow callback"
    /// warning. A poll that long blocks every other task; move the blocking work to
    /// `solio::task::spawn_blocking`. Off by default; it costs two clock reads per poll
    /// when on. Name tasks with [`task::Builder`](crate::task::Builder); unnamed ones are `task-<id>`.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = solio::Runtime::builder().slow_poll_threshold(Duration::from_millis(50)).build().unwrap();
    /// rt.block_on(async {
    ///     solio::task::Builder::new()
    ///         .name("thumbnailer")
    ///         .spawn(async {
    ///             // Prints: solio: task 'thumbnailer' blocked the runtime for 100.1ms in one poll ...
    ///             std::thread::sleep(Duration::from_millis(100));
    ///         })
    ///         .await
    ///         .unwrap();
    /// });
    /// ```
    pub fn slow_poll_threshold(&mut self, threshold: Duration) -> &mut Builder {
        self.config.slow_poll = Some(threshold);
        self
    }

    /// Creates the runtime.
    ///
    /// # Errors
    /// When the OS refuses the resources the reactor needs (an epoll instance and an eventfd).
    pub fn build(&self) -> io::Result<Runtime> {
        Ok(Runtime { core: Rc::new(Core::new(&self.config)?) })
    }
}

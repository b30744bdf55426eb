//! Lesson: the async context manager (`async with`) — a database connection is opened, queried and
//! closed, and closed even when the work inside fails.
//!
//! Mirrors `000_7a59b8a5099f8c89.txt` ("Async Context Manager": `AsyncDatabaseConnection`); the same
//! pattern is `AsyncResource` in `002_cec8404425c8aefd.txt` and `003_110b421e7e6c0f11.txt`.
//!
//! Rust has no `async with`. `__aenter__` becomes an `async fn open`, `__aexit__` an `async fn close`
//! that takes the connection by value (so it cannot be used afterwards), and `Drop` is the guarantee:
//! if the code between them returns early (`?`), fails or is cancelled, the connection is dropped and
//! its `Drop` closes it. `Drop` cannot await, so that path closes without the 0.5 s goodbye; call
//! `close().await` on the normal path.
//!
//! The first run is the tutorial's (Python prints the list as `['result1', 'result2']`, Rust's `{:?}`
//! with double quotes); the two after it show the guarantee: a query that fails, and a query cancelled
//! by a timeout.
//!
//! ```sh
//! cargo run --example lesson_context_manager
//! ```

use std::fmt;
use std::time::Duration;

use solio::time::{sleep, timeout};

struct AsyncDatabaseConnection {
    open: bool,
}

impl AsyncDatabaseConnection {
    // __aenter__
    async fn open() -> AsyncDatabaseConnection {
        println!("Opening database connection...");
        sleep(Duration::from_secs(1)).await;
        AsyncDatabaseConnection { open: true }
    }

    async fn query(&self, sql: &str) -> Result<Vec<&'static str>, QueryError> {
        sleep(Duration::from_millis(500)).await;
        if sql.contains("missing_table") {
            return Err(QueryError("no such table: missing_table".to_string()));
        }
        Ok(vec!["result1", "result2"])
    }

    // __aexit__ on the normal path
    async fn close(mut self) {
        println!("Closing database connection...");
        sleep(Duration::from_millis(500)).await;
        self.open = false;
    }
}

// __aexit__ on every other path: an early return, an error, a panic, a cancelled task.
impl Drop for AsyncDatabaseConnection {
    fn drop(&mut self) {
        if self.open {
            println!("Closing database connection (dropped without close)...");
        }
    }
}

#[derive(Debug)]
struct QueryError(String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

// async with AsyncDatabaseConnection() as db: ...
async fn users() -> Result<(), QueryError> {
    let db = AsyncDatabaseConnection::open().await;
    let result = db.query("SELECT * FROM users").await?;
    println!("Query result: {result:?}");
    db.close().await;
    Ok(())
}

// The same, but the query fails: `?` returns early and the connection is still closed.
async fn missing_table() -> Result<(), QueryError> {
    let db = AsyncDatabaseConnection::open().await;
    let result = db.query("SELECT * FROM missing_table").await?;
    println!("Query result: {result:?}");
    db.close().await;
    Ok(())
}

async fn main_async() {
    if let Err(e) = users().await {
        println!("Query failed: {e}");
    }
    if let Err(e) = missing_table().await {
        println!("Query failed: {e}");
    }
    // Cancelled: the timeout drops `users()` mid-query, and the connection with it.
    if timeout(Duration::from_millis(1200), users()).await.is_err() {
        println!("Query cancelled by timeout");
    }
}

fn main() {
    solio::run(main_async())
}

//! Lesson: async database access with a connection pool (asyncpg's `create_pool` / `pool.acquire()`).
//!
//! Mirrors "Async Database Operations" in `004_b6df50e6339effad.txt`: create a pool, `async with
//! pool.acquire() as conn: users = await conn.fetch('SELECT * FROM users WHERE active = $1', True)`, close
//! the pool. It also shows what the pool is for: six queries at once share three connections, so the
//! pool (a `Semaphore` with one permit per connection) makes the other three wait their turn.
//!
//! Instead of PostgreSQL, a tiny "database" on loopback speaks a line protocol: the client sends one
//! SQL line, the server answers after 100 ms with `ROW …` lines and `END`, or one `ERR …` line.
//!
//! ```sh
//! cargo run --example lesson_db_pool
//! ```

use std::cell::{Cell, RefCell};
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use futures_lite::io::{AsyncBufReadExt, BufReader};
use solio::net::{TcpListener, TcpStream};
use solio::sync::{Semaphore, SemaphorePermit};
use solio::time::{Instant, sleep};

// ---- the database server -------------------------------------------------------------------------

const USERS: [(&str, bool); 4] = [("alice", true), ("bob", false), ("carol", true), ("dave", true)];
const QUERY_TIME: Duration = Duration::from_millis(100);

/// Starts the database on `127.0.0.1`; returns its address and a count of connections it accepted.
async fn start_database() -> io::Result<(SocketAddr, Rc<Cell<usize>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let connections = Rc::new(Cell::new(0));
    let count = connections.clone();
    let _server = solio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.set(count.get() + 1);
            let _session = solio::spawn(session(stream));
        }
    });
    Ok((addr, connections))
}

/// Serves one connection: one answer per query line, until the client hangs up.
async fn session(stream: TcpStream) {
    let mut conn = BufReader::new(stream);
    let mut line = String::new();
    while matches!(conn.read_line(&mut line).await, Ok(n) if n > 0) {
        sleep(QUERY_TIME).await; // the query's work
        let answer = match line.trim_end() {
            "SELECT * FROM users WHERE active = true" => rows(true),
            "SELECT * FROM users WHERE active = false" => rows(false),
            other => format!("ERR syntax error in {other:?}\n"),
        };
        if conn.get_mut().write_all(answer.as_bytes()).await.is_err() {
            return;
        }
        line.clear();
    }
}

fn rows(active: bool) -> String {
    let mut answer: String = USERS
        .iter()
        .filter(|u| u.1 == active)
        .map(|(name, active)| format!("ROW {name},{active}\n"))
        .collect();
    answer.push_str("END\n");
    answer
}

// ---- the client: connections and the pool ---------------------------------------------------------

/// One connection to the database.
struct Connection {
    id: usize,
    stream: BufReader<TcpStream>,
}

impl Connection {
    /// `conn.fetch(sql, param)`: sends the query with `$1` filled in and collects the rows.
    async fn fetch(&mut self, sql: &str, param: bool) -> io::Result<Vec<String>> {
        let query = sql.replace("$1", &param.to_string());
        self.stream.get_mut().write_all(format!("{query}\n").as_bytes()).await?;
        let mut rows = Vec::new();
        loop {
            let mut line = String::new();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "database hung up"));
            }
            match line.trim_end().split_once(' ') {
                _ if line.trim_end() == "END" => return Ok(rows),
                Some(("ROW", row)) => rows.push(row.to_string()),
                Some(("ERR", msg)) => return Err(io::Error::other(msg.to_string())),
                _ => return Err(io::Error::new(io::ErrorKind::InvalidData, "bad answer")),
            }
        }
    }
}

/// A pool of open connections; `acquire` waits while all of them are in use.
struct Pool {
    size: usize,
    idle: RefCell<Vec<Connection>>,
    permits: Semaphore,
}

/// A connection borrowed from the pool; dropping it gives the connection back (asyncpg's `async with`).
struct PooledConnection<'a> {
    conn: Option<Connection>,
    pool: &'a Pool,
    _permit: SemaphorePermit<'a>,
}

impl Pool {
    /// `asyncpg.create_pool(...)`: opens `size` connections.
    async fn create(addr: SocketAddr, size: usize) -> io::Result<Pool> {
        let mut idle = Vec::with_capacity(size);
        for id in (1..=size).rev() {
            idle.push(Connection { id, stream: BufReader::new(TcpStream::connect(addr).await?) });
        }
        Ok(Pool { size, idle: RefCell::new(idle), permits: Semaphore::new(size) })
    }

    async fn acquire(&self) -> PooledConnection<'_> {
        let permit = self.permits.acquire().await.expect("pool closed");
        let conn = self.idle.borrow_mut().pop().expect("a permit means an idle connection");
        PooledConnection { conn: Some(conn), pool: self, _permit: permit }
    }

    /// `await pool.close()`: waits for every connection to come back, then closes them all.
    async fn close(self) -> usize {
        let all = self.permits.acquire_many(self.size).await.expect("pool closed");
        drop(all);
        let n = self.idle.borrow().len();
        self.permits.close();
        n
    }
}

impl std::ops::Deref for PooledConnection<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("present until drop")
    }
}

impl std::ops::DerefMut for PooledConnection<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("present until drop")
    }
}

impl Drop for PooledConnection<'_> {
    fn drop(&mut self) {
        // Back to the pool before the permit is released (fields drop after this body).
        self.pool.idle.borrow_mut().extend(self.conn.take());
    }
}

// ---- the lesson ------------------------------------------------------------------------------------

const ACTIVE_USERS: &str = "SELECT * FROM users WHERE active = $1";

async fn fetch_users(pool: &Pool) -> io::Result<Vec<String>> {
    let mut conn = pool.acquire().await;
    conn.fetch(ACTIVE_USERS, true).await
}

/// One of several concurrent queries: reports when it got a connection, which one, and what it found.
async fn query(pool: &Pool, t0: Instant, i: usize, sql: &str) -> String {
    let mut conn = pool.acquire().await;
    let started = t0.elapsed().as_millis();
    let result = conn.fetch(sql, i % 2 == 1).await;
    let outcome = match result {
        Ok(rows) => format!("{} rows", rows.len()),
        Err(e) => format!("error: {e}"),
    };
    format!(
        "query {i} on connection {} from {started} ms to {} ms: {outcome}",
        conn.id,
        t0.elapsed().as_millis()
    )
}

async fn main_async() -> io::Result<()> {
    let (addr, connections) = start_database().await?;

    // Create connection pool.
    let pool = Pool::create(addr, 3).await?;
    println!("Pool created with 3 connections");

    // Execute query.
    let users = fetch_users(&pool).await?;
    println!("Active users: {}", users.join("; "));

    // Six queries at once on three connections: the last three wait for a free connection.
    let t0 = Instant::now();
    let sql = [
        "SELECT * FROM users WHERE active = $1",
        "SELEKT oops",
        ACTIVE_USERS,
        ACTIVE_USERS,
        ACTIVE_USERS,
        ACTIVE_USERS,
    ];
    let reports = solio::gather(sql.iter().enumerate().map(|(i, sql)| query(&pool, t0, i + 1, sql))).await;
    for report in reports {
        println!("{report}");
    }
    println!("6 queries on 3 connections took {:.2?}", t0.elapsed());

    let closed = pool.close().await;
    println!("Pool closed: {closed} connections, {} opened in all", connections.get());
    Ok(())
}

fn main() {
    solio::run(main_async()).expect("database lesson")
}

//! Lesson: a chat server — many clients connected at once, every message broadcast to the others.
//!
//! The "chat applications" that `000_7a59b8a5099f8c89.txt` (and `004_b6df50e6339effad.txt`'s
//! "real-time applications") name as what asyncio is for, written with the tutorials' parts: one task
//! per client reading its lines, one `Queue` per client as its outbox with a task writing it to the
//! socket (asyncio's `StreamWriter` pattern), and `gather` to run the scripted clients.
//!
//! The run is scripted and ends by itself: alice, bob and carol join, talk and leave at set times on
//! loopback; the server logs what it sees, then each client's transcript is printed.
//!
//! ```sh
//! cargo run --example lesson_chat
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use futures_lite::StreamExt;
use futures_lite::io::{AsyncBufReadExt, BufReader};
use solio::net::{TcpListener, TcpStream};
use solio::sync::Queue;
use solio::time::{Instant, sleep_until};

// ---- the server ------------------------------------------------------------------------------------

/// Connected clients: id → (name, outbox).
type Clients = Rc<RefCell<BTreeMap<usize, (String, Rc<Queue<String>>)>>>;

/// Sends `line` to every client but `from`.
fn broadcast(clients: &Clients, from: usize, line: &str) {
    for (id, (_, outbox)) in clients.borrow().iter() {
        if *id != from {
            let _ = outbox.try_put(format!("{line}\n")); // unbounded: never full
        }
    }
}

async fn chat_server(listener: TcpListener, t0: Instant) {
    let clients: Clients = Rc::default();
    let mut next_id = 0;
    while let Ok((stream, _)) = listener.accept().await {
        next_id += 1;
        let _client = solio::spawn(handle_client(stream, next_id, clients.clone(), t0));
    }
}

/// One client: the first line is its name, every further line a message for the others.
async fn handle_client(stream: TcpStream, id: usize, clients: Clients, t0: Instant) {
    let log = |what: String| println!("[{:4} ms] server: {what}", t0.elapsed().as_millis());
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let Some(Ok(name)) = lines.next().await else { return };

    // The outbox and the task that writes it out; it ends when the outbox is shut down and empty.
    let outbox = Rc::new(Queue::<String>::new());
    let writer = solio::spawn({
        let outbox = outbox.clone();
        async move {
            while let Ok(line) = outbox.get().await {
                if write.write_all(line.as_bytes()).await.is_err() {
                    break;
                }
            }
            // Dropping the write half closes our side: the client sees the end of the chat.
        }
    });

    log(format!("{name} joined ({} online)", clients.borrow().len() + 1));
    broadcast(&clients, id, &format!("* {name} joined"));
    clients.borrow_mut().insert(id, (name.clone(), outbox.clone()));

    while let Some(Ok(message)) = lines.next().await {
        log(format!("{name} says {message:?}"));
        broadcast(&clients, id, &format!("{name}: {message}"));
    }

    clients.borrow_mut().remove(&id);
    log(format!("{name} left ({} online)", clients.borrow().len()));
    broadcast(&clients, id, &format!("* {name} left"));
    outbox.shutdown();
    let _ = writer.await;
}

// ---- the scripted clients --------------------------------------------------------------------------

/// A client's script: when it joins, what it says when, when it leaves (ms after the start).
struct Script {
    name: &'static str,
    join: u64,
    says: &'static [(u64, &'static str)],
    leave: u64,
}

const SCRIPTS: [Script; 3] = [
    Script { name: "alice", join: 0, says: &[(300, "hi all"), (550, "got to go, bye!")], leave: 600 },
    Script { name: "bob", join: 100, says: &[(400, "hey alice"), (700, "just us now, carol")], leave: 800 },
    Script { name: "carol", join: 200, says: &[(500, "hello!"), (750, "see you bob")], leave: 900 },
];

/// Runs one script; returns everything the client received.
async fn client(addr: SocketAddr, script: &Script, t0: Instant) -> io::Result<Vec<String>> {
    let at = |ms: u64| sleep_until(t0 + Duration::from_millis(ms));
    at(script.join).await;
    let (read, mut write) = TcpStream::connect(addr).await?.into_split();

    let talk = async {
        write.write_all(format!("{}\n", script.name).as_bytes()).await?;
        for (ms, text) in script.says {
            at(*ms).await;
            write.write_all(format!("{text}\n").as_bytes()).await?;
        }
        at(script.leave).await;
        drop(write); // hang up our side; the server answers by closing its side
        io::Result::Ok(())
    };
    let listen = BufReader::new(read).lines().try_collect::<String, io::Error, Vec<String>>();
    let (talked, heard) = solio::gather!(talk, listen).await;
    talked?;
    heard
}

async fn main_async() {
    let t0 = Instant::now();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let _server = solio::spawn(chat_server(listener, t0));

    let transcripts = solio::gather(SCRIPTS.iter().map(|script| client(addr, script, t0))).await;
    println!("Chat over after {} ms", t0.elapsed().as_millis());
    for (script, transcript) in SCRIPTS.iter().zip(transcripts) {
        println!("{} heard:", script.name);
        for line in transcript.expect("client") {
            println!("  {line}");
        }
    }
}

fn main() {
    solio::run(main_async())
}

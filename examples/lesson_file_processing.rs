//! Exercise: concurrent file processing — read and process many files at once.
//!
//! Mirrors "Exercise 2: Concurrent File Processing" of `003_110b421e7e6c0f11.txt` ("write a function
//! that reads and processes multiple files concurrently"), built from that tutorial's parts: `gather`
//! over `aiofiles` reads, and a `Semaphore` so no more than three files are open at once.
//!
//! Ten log files are written to a fresh temporary directory; each is read and its lines counted by
//! level; a summary file is written; everything is removed at the end.
//!
//! ```sh
//! cargo run --example lesson_file_processing
//! ```

use std::cell::Cell;
use std::io;
use std::path::Path;

use solio::sync::Semaphore;

/// What processing one file finds.
struct Summary {
    name: String,
    lines: usize,
    errors: usize,
    warnings: usize,
}

/// Reads one file (holding one of the semaphore's permits while it is open) and counts its lines.
async fn process_file(
    dir: &Path,
    name: String,
    open_files: &Semaphore,
    open_now: &Cell<usize>,
    peak: &Cell<usize>,
) -> io::Result<Summary> {
    let _permit = open_files.acquire().await.expect("the semaphore is never closed");
    open_now.set(open_now.get() + 1);
    peak.set(peak.get().max(open_now.get()));
    let text = solio::fs::read_to_string(dir.join(&name)).await;
    open_now.set(open_now.get() - 1);
    let text = text?;
    let count = |level: &str| text.lines().filter(|l| l.starts_with(level)).count();
    Ok(Summary { lines: text.lines().count(), errors: count("ERROR"), warnings: count("WARN"), name })
}

/// The made-up log of server `i`: `i + 3` lines, every third an error, every fourth a warning.
fn log_text(i: usize) -> String {
    (0..i + 3)
        .map(|n| match (n % 3, n % 4) {
            (2, _) => format!("ERROR request {n} failed\n"),
            (_, 3) => format!("WARN request {n} slow\n"),
            _ => format!("INFO request {n} ok\n"),
        })
        .collect()
}

async fn lesson(dir: &Path) -> io::Result<()> {
    let names: Vec<String> = (1..=10).map(|i| format!("server{i:02}.log")).collect();
    solio::try_gather(
        names.iter().enumerate().map(|(i, name)| solio::fs::write(dir.join(name), log_text(i))),
    )
    .await?;
    println!("Wrote {} log files", names.len());

    // Process them all concurrently, at most three open at once.
    let open_files = Semaphore::new(3);
    let (open_now, peak) = (Cell::new(0), Cell::new(0));
    let summaries = solio::try_gather(
        names.iter().map(|name| process_file(dir, name.clone(), &open_files, &open_now, &peak)),
    )
    .await?;

    let mut report = String::new();
    for s in &summaries {
        let line = format!("{}: {} lines, {} errors, {} warnings", s.name, s.lines, s.errors, s.warnings);
        println!("{line}");
        report.push_str(&line);
        report.push('\n');
    }
    let errors: usize = summaries.iter().map(|s| s.errors).sum();
    let lines: usize = summaries.iter().map(|s| s.lines).sum();
    println!("Total: {lines} lines, {errors} errors");
    println!("At most {} files were open at once", peak.get());

    solio::fs::write(dir.join("summary.txt"), &report).await?;
    let written = solio::fs::metadata(dir.join("summary.txt")).await?.len();
    println!("summary.txt: {written} bytes");
    Ok(())
}

async fn main_async() {
    let dir = std::env::temp_dir().join(format!("solio-lesson-file-processing-{}", std::process::id()));
    solio::fs::create_dir_all(&dir).await.expect("create the temporary directory");
    let result = lesson(&dir).await;
    // Clean up whatever happened.
    let removed = solio::fs::remove_dir_all(&dir).await;
    result.expect("file processing");
    removed.expect("remove the temporary directory");
    println!("Temporary directory removed: {}", !dir.exists());
}

fn main() {
    solio::run(main_async())
}

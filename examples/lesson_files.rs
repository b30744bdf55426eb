//! Lesson: async file I/O (aiofiles) — write a file then read it back; read many files concurrently.
//!
//! Mirrors "Async File I/O (aiofiles)" in `003_110b421e7e6c0f11.txt` (`write_file("test.txt",
//! "Hello, Async!")`, then `read_file` and print) and "Async File Operations" in
//! `001_c31585d46506d196.txt` (`process_files`: read every file with `gather`, print
//! `"{filepath}: {len(content)} characters"`).
//!
//! aiofiles runs each file operation on a thread pool; so does `solio::fs`, on solio's blocking pool,
//! so the event loop never waits for the disk. The files live in a fresh directory under the system's
//! temporary directory, removed at the end.
//!
//! ```sh
//! cargo run --example lesson_files
//! ```

use std::io;
use std::path::Path;

/// Read a file asynchronously.
async fn read_file(path: impl AsRef<Path>) -> io::Result<String> {
    solio::fs::read_to_string(path).await
}

/// Write to a file asynchronously.
async fn write_file(path: impl AsRef<Path>, content: &str) -> io::Result<()> {
    solio::fs::write(path, content).await
}

/// Process multiple files concurrently: read them all at once, then report each one's length.
async fn process_files(dir: &Path, file_list: &[&str]) -> io::Result<Vec<String>> {
    let contents = solio::try_gather(file_list.iter().map(|name| read_file(dir.join(name)))).await?;
    for (name, content) in file_list.iter().zip(&contents) {
        println!("{name}: {} characters", content.chars().count());
    }
    Ok(contents)
}

async fn lesson(dir: &Path) -> io::Result<()> {
    // Write then read.
    write_file(dir.join("test.txt"), "Hello, Async!").await?;
    let content = read_file(dir.join("test.txt")).await?;
    println!("{content}");

    // Many files, written concurrently, then processed concurrently.
    let files = [
        ("notes.txt", "async def main():\n    await asyncio.sleep(1)\n"),
        (
            "poem.txt",
            "Tasks wait in line,\nthe loop turns; none blocks the rest —\nall done, side by side.\n",
        ),
        ("data.csv", "id,name\n1,solio\n2,asyncio\n"),
        ("empty.txt", ""),
    ];
    solio::try_gather(files.iter().map(|(name, text)| write_file(dir.join(name), text))).await?;
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    let contents = process_files(dir, &names).await?;
    let total: usize = contents.iter().map(|c| c.lines().count()).sum();
    println!("Read {} files, {total} lines in all", contents.len());
    Ok(())
}

async fn main_async() {
    let dir = std::env::temp_dir().join(format!("solio-lesson-files-{}", std::process::id()));
    solio::fs::create_dir_all(&dir).await.expect("create the temporary directory");
    let result = lesson(&dir).await;
    // Clean up whatever happened.
    let removed = solio::fs::remove_dir_all(&dir).await;
    result.expect("file lesson");
    removed.expect("remove the temporary directory");
    println!("Temporary directory removed: {}", !dir.exists());
}

fn main() {
    solio::run(main_async())
}

//! Whole-file helpers that run on the blocking pool (what `aiofiles` gives asyncio).
//!
//! Each function copies its arguments, runs the matching `std::fs` call through
//! [`spawn_blocking`] and returns its result, so the runtime's thread never
//! waits on the disk. Every failure is an [`io::Error`]: the OS error of the call, or `Other` if the job
//! could not complete (the runtime is shutting down). A panic inside the job (a bug, not an I/O error)
//! is resumed in the awaiting task rather than turned into an error. An operation whose future is dropped still runs to
//! completion on its pool thread (a file write is not undone), like asyncio's `to_thread`.
//!
//! # Examples
//! ```
//! use solio::fs;
//!
//! solio::run(async {
//!     let dir = std::env::temp_dir().join(format!("solio-fs-doc-{}", std::process::id()));
//!     fs::create_dir_all(&dir).await.unwrap();
//!     let file = dir.join("hello.txt");
//!     fs::write(&file, "hello, world").await.unwrap();
//!     assert_eq!(fs::read_to_string(&file).await.unwrap(), "hello, world");
//!     fs::remove_file(&file).await.unwrap();
//!     assert_eq!(fs::read(&file).await.unwrap_err().kind(), std::io::ErrorKind::NotFound);
//!     std::fs::remove_dir(&dir).unwrap();
//! });
//! ```

use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use crate::task::spawn_blocking;

/// Runs `f` on the blocking pool; a `JoinError` becomes an `io::Error`.
async fn blocking<T, F>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match spawn_blocking(f).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(e.into()),
    }
}

/// Reads a whole file into a vector (`std::fs::read`).
///
/// # Errors
/// `NotFound` when there is no such file, and any other error of opening or reading it.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Dropping the future drops the contents; nothing else is affected.
///
/// # Examples
/// ```
/// solio::run(async {
///     let err = solio::fs::read("/no/such/file").await.unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// });
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    blocking(move || std::fs::read(path)).await
}

/// Reads a whole UTF-8 file into a string (`std::fs::read_to_string`).
///
/// # Errors
/// `NotFound` when there is no such file, `InvalidData` when it is not UTF-8.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Dropping the future drops the contents; nothing else is affected.
///
/// # Examples
/// See the [module](self) docs.
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    blocking(move || std::fs::read_to_string(path)).await
}

/// Creates or truncates a file and writes `contents` to it (`std::fs::write`). The contents are copied
/// first, so the caller keeps its buffer.
///
/// # Errors
/// When the file cannot be created (a missing directory gives `NotFound`) or written.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Not cancel safe: once started, the write completes on its pool thread even if the future is dropped.
///
/// # Examples
/// See the [module](self) docs.
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    blocking(move || std::fs::write(path, contents)).await
}

/// Copies the contents and permissions of one file to another, replacing it (`std::fs::copy`); returns
/// the number of bytes copied.
///
/// # Errors
/// `NotFound` when `from` does not exist, and any error of reading or writing.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Not cancel safe: once started, the copy completes on its pool thread even if the future is dropped.
///
/// # Examples
/// ```
/// use solio::fs;
///
/// solio::run(async {
///     let dir = std::env::temp_dir();
///     let (a, b) = (dir.join(format!("solio-copy-a-{}", std::process::id())), dir.join(format!("solio-copy-b-{}", std::process::id())));
///     fs::write(&a, [1, 2, 3]).await.unwrap();
///     assert_eq!(fs::copy(&a, &b).await.unwrap(), 3);
///     assert_eq!(fs::read(&b).await.unwrap(), [1, 2, 3]);
///     fs::remove_file(&a).await.unwrap();
///     fs::remove_file(&b).await.unwrap();
/// });
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    blocking(move || std::fs::copy(from, to)).await
}

/// Creates a directory and all its missing parents (`std::fs::create_dir_all`); succeeds if it exists.
///
/// # Errors
/// When a component cannot be created (for example, it exists as a file).
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Not cancel safe: once started, the creation completes even if the future is dropped.
///
/// # Examples
/// See the [module](self) docs.
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    blocking(move || std::fs::create_dir_all(path)).await
}

/// Removes a file (`std::fs::remove_file`).
///
/// # Errors
/// `NotFound` when there is no such file; an error too when `path` is a directory.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Not cancel safe: once started, the removal completes even if the future is dropped.
///
/// # Examples
/// See the [module](self) docs.
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    blocking(move || std::fs::remove_file(path)).await
}

/// Removes an empty directory (`std::fs::remove_dir`).
///
/// # Errors
/// `NotFound` when there is no such directory; an error too when it is not empty or not a directory.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Not cancel safe: once started, the removal completes even if the future is dropped.
///
/// # Examples
/// ```
/// solio::run(async {
///     let dir = std::env::temp_dir().join(format!("solio-doc-remove-dir-{}", std::process::id()));
///     solio::fs::create_dir_all(&dir).await.unwrap();
///     solio::fs::remove_dir(&dir).await.unwrap();
///     assert!(solio::fs::metadata(&dir).await.is_err());
/// });
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    blocking(move || std::fs::remove_dir(path)).await
}

/// Removes a directory and everything in it (`std::fs::remove_dir_all`).
///
/// # Errors
/// `NotFound` when there is no such directory; the first error met while removing its contents.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Not cancel safe: once started, the removal completes even if the future is dropped.
///
/// # Examples
/// ```
/// solio::run(async {
///     let dir = std::env::temp_dir().join(format!("solio-doc-remove-dir-all-{}", std::process::id()));
///     solio::fs::create_dir_all(dir.join("a/b")).await.unwrap();
///     solio::fs::write(dir.join("a/b/c.txt"), "x").await.unwrap();
///     solio::fs::remove_dir_all(&dir).await.unwrap();
///     assert!(solio::fs::metadata(&dir).await.is_err());
/// });
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    blocking(move || std::fs::remove_dir_all(path)).await
}

/// The metadata of a file or directory, following symbolic links (`std::fs::metadata`).
///
/// # Errors
/// `NotFound` when nothing is at `path`.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Cancel safe: it changes nothing.
///
/// # Examples
/// ```
/// solio::run(async {
///     let meta = solio::fs::metadata(std::env::temp_dir()).await.unwrap();
///     assert!(meta.is_dir());
/// });
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    blocking(move || std::fs::metadata(path)).await
}

/// One entry of a directory listing from [`read_dir`].
///
/// Unlike `std::fs::DirEntry` it holds no open directory handle: the listing is read in full on the pool.
#[derive(Debug, Clone)]
pub struct DirEntry {
    path: PathBuf,
    file_name: OsString,
    file_type: FileType,
}

impl DirEntry {
    /// The entry's full path: the directory given to [`read_dir`] joined with the file name.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entry's name within its directory.
    pub fn file_name(&self) -> &OsString {
        &self.file_name
    }

    /// The entry's type (file, directory, symbolic link...), not following symbolic links.
    pub fn file_type(&self) -> FileType {
        self.file_type
    }
}

/// Lists a directory (`std::fs::read_dir`), read in full on the blocking pool: the entries come back in
/// a `Vec`, sorted by file name, without `.` and `..`.
///
/// # Errors
/// `NotFound` when there is no such directory, and any error while reading it.
///
/// # Panics
/// When polled outside a solio runtime.
///
/// # Cancel safety
/// Cancel safe: it changes nothing.
///
/// # Examples
/// ```
/// use solio::fs;
///
/// solio::run(async {
///     let dir = std::env::temp_dir().join(format!("solio-read-dir-doc-{}", std::process::id()));
///     fs::create_dir_all(dir.join("sub")).await.unwrap();
///     fs::write(dir.join("a.txt"), "a").await.unwrap();
///     let entries = fs::read_dir(&dir).await.unwrap();
///     let names: Vec<_> = entries.iter().map(|e| e.file_name().to_str().unwrap()).collect();
///     assert_eq!(names, ["a.txt", "sub"]);
///     assert!(entries[1].file_type().is_dir());
///     std::fs::remove_dir_all(&dir).unwrap();
/// });
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<Vec<DirEntry>> {
    let path = path.as_ref().to_owned();
    blocking(move || {
        let mut entries = std::fs::read_dir(path)?
            .map(|entry| {
                let entry = entry?;
                Ok(DirEntry {
                    path: entry.path(),
                    file_name: entry.file_name(),
                    file_type: entry.file_type()?,
                })
            })
            .collect::<io::Result<Vec<_>>>()?;
        entries.sort_by(|a, b| a.file_name.cmp(&b.file_name));
        Ok(entries)
    })
    .await
}

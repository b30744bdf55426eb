//! `solio::fs`: a round trip through every helper, and the errors for missing files.

use std::io::ErrorKind;
use std::path::PathBuf;

use solio::fs;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("solio-fs-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn round_trip() {
    let dir = scratch("round-trip");
    solio::run(async {
        let nested = dir.join("a/b/c");
        fs::create_dir_all(&nested).await.unwrap();
        fs::create_dir_all(&nested).await.unwrap(); // existing: fine
        assert!(fs::metadata(&nested).await.unwrap().is_dir());

        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let file = nested.join("data.bin");
        fs::write(&file, &data).await.unwrap();
        assert_eq!(fs::read(&file).await.unwrap(), data);
        assert_eq!(fs::metadata(&file).await.unwrap().len(), data.len() as u64);

        let copy = dir.join("copy.bin");
        assert_eq!(fs::copy(&file, &copy).await.unwrap(), data.len() as u64);
        assert_eq!(fs::read(&copy).await.unwrap(), data);

        fs::write(dir.join("note.txt"), "héllo\n").await.unwrap();
        assert_eq!(fs::read_to_string(dir.join("note.txt")).await.unwrap(), "héllo\n");

        let entries = fs::read_dir(&dir).await.unwrap();
        let names: Vec<_> = entries.iter().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a", "copy.bin", "note.txt"]);
        assert!(entries[0].file_type().is_dir());
        assert!(entries[1].file_type().is_file());
        assert_eq!(entries[2].path(), dir.join("note.txt"));

        fs::remove_file(&copy).await.unwrap();
        assert_eq!(fs::read_dir(&dir).await.unwrap().len(), 2);
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_files_give_not_found() {
    let dir = scratch("missing");
    solio::run(async {
        let missing = dir.join("nope");
        assert_eq!(fs::read(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::read_to_string(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::metadata(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::remove_file(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::read_dir(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::copy(&missing, dir.join("x")).await.unwrap_err().kind(), ErrorKind::NotFound);
        // Writing into a directory that does not exist.
        assert_eq!(fs::write(missing.join("f"), "x").await.unwrap_err().kind(), ErrorKind::NotFound);
    });
}

#[test]
fn other_errors_are_io_errors_too() {
    let dir = scratch("errors");
    solio::run(async {
        fs::create_dir_all(&dir).await.unwrap();
        let bad = dir.join("bad.txt");
        fs::write(&bad, [0xff, 0xfe]).await.unwrap();
        assert_eq!(fs::read_to_string(&bad).await.unwrap_err().kind(), ErrorKind::InvalidData);
        // A file in the way of a directory.
        assert!(fs::create_dir_all(bad.join("sub")).await.is_err());
        // Removing a directory with `remove_file`.
        assert!(fs::remove_file(&dir).await.is_err());
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn remove_dir_and_remove_dir_all() {
    solio::run(async {
        let root = std::env::temp_dir().join(format!("solio-test-remove-dir-{}", std::process::id()));
        solio::fs::create_dir_all(root.join("empty")).await.unwrap();
        solio::fs::create_dir_all(root.join("full/deeper")).await.unwrap();
        solio::fs::write(root.join("full/deeper/f.txt"), b"data").await.unwrap();

        solio::fs::remove_dir(root.join("empty")).await.unwrap();
        assert_eq!(
            solio::fs::metadata(root.join("empty")).await.unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
        let not_empty = solio::fs::remove_dir(root.join("full")).await.unwrap_err();
        assert_eq!(not_empty.kind(), std::io::ErrorKind::DirectoryNotEmpty);

        solio::fs::remove_dir_all(&root).await.unwrap();
        assert!(!root.exists());
        let missing = solio::fs::remove_dir_all(&root).await.unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    });
}

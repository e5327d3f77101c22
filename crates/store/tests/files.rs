//! File storage through the local directory and through a real S3-compatible server
//! (moto's server mode, started by the test on loopback).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use motcua_store::testing::{TestDatabase, backends};
use motcua_store::{FileStore, StorageConfig, Store, StoreError};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn store_with(test: &TestDatabase, storage: StorageConfig) -> Store {
    let db = test.migrated().await;
    Store {
        db,
        files: FileStore::open(&storage).unwrap(),
    }
}

async fn write_and_read_back(store: &Store) {
    let record = store.save_file(Bytes::from_static(PDF)).await.unwrap();
    assert_eq!(record.mime, "application/pdf");
    assert_eq!(record.size, PDF.len() as i64);
    assert_eq!(record.sha256.len(), 64);
    assert_eq!(store.read_file(&record).await.unwrap(), PDF);
    // Content addressing: the same bytes are one file.
    let again = store.save_file(Bytes::from_static(PDF)).await.unwrap();
    assert_eq!(again, record);
    assert_eq!(store.file_by_id(record.id).await.unwrap(), record);
    let other = store
        .save_file(Bytes::from_static("Giấy khai sinh".as_bytes()))
        .await
        .unwrap();
    assert_ne!(other.id, record.id);
    assert_eq!(other.mime, "text/plain");
    assert!(store.files.check("test-node").await.is_ok());
}

#[tokio::test]
async fn local_storage_writes_reads_and_verifies() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let store = store_with(&test, StorageConfig::local_in(test.data_dir.path())).await;
        write_and_read_back(&store).await;

        // A file altered on disk is refused on read.
        let record = store
            .save_file(Bytes::from_static(b"%PDF-1.4 original"))
            .await
            .unwrap();
        let path = test.data_dir.path().join("files").join(&record.storage_key);
        std::fs::write(&path, b"%PDF-1.4 altered!").unwrap();
        assert!(matches!(
            store.read_file(&record).await,
            Err(StoreError::Integrity(_))
        ));
    }
}

/// A moto S3 server on a free loopback port, stopped when dropped.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_s3() -> Option<S3Server> {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(e) => {
            if std::env::var("MOTCUA_REQUIRE_S3").as_deref() == Ok("1") {
                panic!("MOTCUA_REQUIRE_S3=1 but moto_server cannot start: {e}");
            }
            eprintln!("skipped: S3 test needs moto_server (pip install 'moto[server]'): {e}");
            return None;
        }
    };
    let server = S3Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&server.endpoint).send().await.is_ok() {
            return Some(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("moto_server did not start on {}", server.endpoint);
}

#[tokio::test]
async fn s3_storage_writes_and_reads_back() {
    let Some(server) = start_s3().await else {
        return;
    };
    let client = reqwest::Client::new();
    for (i, backend) in backends().into_iter().enumerate() {
        let bucket = format!("motcua-test-{i}");
        let created = client
            .put(format!("{}/{bucket}", server.endpoint))
            .send()
            .await
            .unwrap();
        assert!(
            created.status().is_success(),
            "create bucket: {}",
            created.status()
        );
        let test = TestDatabase::new(backend).await;
        let storage = StorageConfig {
            url: Some(format!("s3://{bucket}")),
            s3_endpoint: Some(server.endpoint.clone()),
            s3_region: Some("us-east-1".into()),
            s3_access_key_id: Some("testing".into()),
            s3_secret_access_key: Some("testing".into()),
            s3_allow_http: true,
            ..StorageConfig::default()
        };
        let store = store_with(&test, storage).await;
        write_and_read_back(&store).await;
        // The object really is in the bucket, under its content address.
        let record = store.save_file(Bytes::from_static(PDF)).await.unwrap();
        let listing = client
            .get(format!("{}/{bucket}?list-type=2", server.endpoint))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            listing.contains(&record.storage_key),
            "{backend:?}: {listing}"
        );
    }
    // A bucket that does not exist makes the readiness check fail with a reason.
    let missing = FileStore::open(&StorageConfig {
        url: Some("s3://no-such-bucket".into()),
        s3_endpoint: Some(server.endpoint.clone()),
        s3_access_key_id: Some("testing".into()),
        s3_secret_access_key: Some("testing".into()),
        s3_allow_http: true,
        ..StorageConfig::default()
    })
    .unwrap();
    assert!(missing.check("probe").await.is_err());
}

//! File storage: content-addressed objects (SHA-256) in a local directory or an
//! S3-compatible bucket, with a `file` row recording size and detected MIME type.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::{Store, StoreError, StoreResult, time};

/// Where files live: `STORAGE_URL` (a directory path, `file://DIR` or `s3://BUCKET`)
/// plus the S3 settings.
#[derive(Clone, Default)]
pub struct StorageConfig {
    /// `None`: the `files` folder inside `data_dir`.
    pub url: Option<String>,
    pub data_dir: PathBuf,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub s3_allow_http: bool,
}

impl std::fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageConfig")
            .field("url", &self.url)
            .field("data_dir", &self.data_dir)
            .field("s3_endpoint", &self.s3_endpoint)
            .field("s3_region", &self.s3_region)
            .field("s3_access_key_id", &self.s3_access_key_id)
            .field(
                "s3_secret_access_key",
                &self.s3_secret_access_key.as_ref().map(|_| "***"),
            )
            .field("s3_allow_http", &self.s3_allow_http)
            .finish()
    }
}

impl StorageConfig {
    /// The embedded default: `DATA_DIR/files`.
    pub fn local_in(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            ..Self::default()
        }
    }
}

/// Which kind of storage is behind a [`FileStore`].
#[derive(Clone, Debug)]
pub enum StorageLocation {
    Local(PathBuf),
    S3 { bucket: String },
}

/// The object store plus where it is.
#[derive(Clone, Debug)]
pub struct FileStore {
    objects: Arc<dyn ObjectStore>,
    location: StorageLocation,
}

/// A stored file's metadata.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct FileRecord {
    pub id: i64,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
    pub storage_key: String,
    pub created_at: i64,
}

impl FileStore {
    /// Opens the local directory (creating it) or the S3 bucket.
    pub fn open(config: &StorageConfig) -> StoreResult<Self> {
        match config.url.as_deref() {
            Some(url) if url.starts_with("s3://") => {
                let bucket = url.trim_start_matches("s3://").trim_end_matches('/');
                if bucket.is_empty() || bucket.contains('/') {
                    return Err(StoreError::StorageConfig(format!(
                        "{url}: expected s3://BUCKET"
                    )));
                }
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(config.s3_region.as_deref().unwrap_or("us-east-1"))
                    .with_allow_http(config.s3_allow_http);
                if let Some(endpoint) = &config.s3_endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let Some(key) = &config.s3_access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = &config.s3_secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                let objects = builder
                    .build()
                    .map_err(|e| StoreError::StorageConfig(e.to_string()))?;
                Ok(Self {
                    objects: Arc::new(objects),
                    location: StorageLocation::S3 {
                        bucket: bucket.to_string(),
                    },
                })
            }
            Some(url) if url.contains("://") && !url.starts_with("file://") => {
                Err(StoreError::StorageConfig(format!(
                    "{url}: expected a directory, file://DIR or s3://BUCKET"
                )))
            }
            other => {
                let dir = match other {
                    Some(url) => PathBuf::from(url.trim_start_matches("file://")),
                    None => config.data_dir.join("files"),
                };
                std::fs::create_dir_all(&dir).map_err(|e| {
                    StoreError::StorageConfig(format!("cannot create {}: {e}", dir.display()))
                })?;
                let objects = LocalFileSystem::new_with_prefix(&dir)?;
                Ok(Self {
                    objects: Arc::new(objects),
                    location: StorageLocation::Local(dir),
                })
            }
        }
    }

    pub fn location(&self) -> &StorageLocation {
        &self.location
    }

    /// Writes an object under a key.
    pub async fn put_object(&self, key: &str, bytes: Bytes) -> StoreResult<()> {
        self.objects
            .put(&ObjectPath::from(key), PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    /// Reads a whole object.
    pub async fn get_object(&self, key: &str) -> StoreResult<Bytes> {
        match self.objects.get(&ObjectPath::from(key)).await {
            Ok(result) => Ok(result.bytes().await?),
            Err(object_store::Error::NotFound { .. }) => Err(StoreError::NotFound { what: "file" }),
            Err(e) => Err(e.into()),
        }
    }

    /// Proves the storage can be written, read back and cleaned up; for `/readyz`.
    /// The directory of local storage (none for S3).
    pub fn local_dir(&self) -> Option<&std::path::Path> {
        match &self.location {
            StorageLocation::Local(dir) => Some(dir),
            StorageLocation::S3 { .. } => None,
        }
    }

    pub async fn check(&self, probe_name: &str) -> Result<(), String> {
        if let StorageLocation::Local(dir) = &self.location {
            check_directory(dir)?;
        }
        // Unique per probe: probes from several nodes, or overlapping ones, share a bucket.
        static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let key = format!(".readyz/{probe_name}-{n}-{:08x}", rand::random::<u32>());
        let payload = Bytes::from_static(b"motcua readiness probe");
        self.put_object(&key, payload.clone())
            .await
            .map_err(|e| format!("cannot write: {e}"))?;
        let read = self
            .get_object(&key)
            .await
            .map_err(|e| format!("cannot read back: {e}"))?;
        if read != payload {
            return Err("read back different bytes".into());
        }
        match self.objects.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(format!("cannot delete: {e}")),
        }
    }
}

/// Checks that a directory exists and that its owner may read, write and enter it.
///
/// The owner's permission bits are checked even for a process running as root, which
/// the kernel would let through: a directory whose owner cannot use it is a broken
/// deployment (the service normally runs as that owner), and hiding it until the day
/// the service stops running as root helps nobody.
pub fn check_directory(dir: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o700 != 0o700 {
            return Err(format!(
                "{} is not readable and writable by its owner (mode {mode:03o})",
                dir.display()
            ));
        }
    }
    std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(())
}

/// The storage key of a content hash: `sha256/ab/cd/abcd…`, so no folder grows huge.
fn storage_key(sha256: &str) -> String {
    format!("sha256/{}/{}/{}", &sha256[0..2], &sha256[2..4], sha256)
}

/// The MIME type detected from the bytes themselves (never from a file name).
pub fn detect_mime(bytes: &[u8]) -> &'static str {
    match infer::get(bytes) {
        Some(kind) => kind.mime_type(),
        None if std::str::from_utf8(bytes).is_ok() => "text/plain",
        None => "application/octet-stream",
    }
}

impl Store {
    /// Stores bytes once per content: the same bytes give the same record.
    pub async fn save_file(&self, bytes: Bytes) -> StoreResult<FileRecord> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        if let Some(existing) = self.file_by_sha256(&sha256).await? {
            return Ok(existing);
        }
        let key = storage_key(&sha256);
        let mime = detect_mime(&bytes);
        let size =
            i64::try_from(bytes.len()).map_err(|_| StoreError::Invalid("file too large".into()))?;
        self.files.put_object(&key, bytes).await?;
        sqlx::query(
            "INSERT INTO file (sha256, size, mime, storage_key, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&sha256)
        .bind(size)
        .bind(mime)
        .bind(&key)
        .bind(time::now_micros())
        .execute(self.db.pool())
        .await?;
        self.file_by_sha256(&sha256)
            .await?
            .ok_or(StoreError::NotFound { what: "file" })
    }

    pub async fn file_by_sha256(&self, sha256: &str) -> StoreResult<Option<FileRecord>> {
        Ok(sqlx::query_as::<_, FileRecord>(
            "SELECT id, sha256, size, mime, storage_key, created_at FROM file WHERE sha256 = $1",
        )
        .bind(sha256)
        .fetch_optional(self.db.pool())
        .await?)
    }

    pub async fn file_by_id(&self, id: i64) -> StoreResult<FileRecord> {
        sqlx::query_as::<_, FileRecord>(
            "SELECT id, sha256, size, mime, storage_key, created_at FROM file WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?
        .ok_or(StoreError::NotFound { what: "file" })
    }

    /// Reads a file's bytes and checks them against the recorded hash.
    pub async fn read_file(&self, file: &FileRecord) -> StoreResult<Bytes> {
        let bytes = self.files.get_object(&file.storage_key).await?;
        let actual = hex::encode(Sha256::digest(&bytes));
        if actual != file.sha256 {
            return Err(StoreError::Integrity(format!(
                "file {} has hash {actual}, expected {}",
                file.id, file.sha256
            )));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_types_by_content() {
        assert_eq!(detect_mime(b"%PDF-1.7\n%..."), "application/pdf");
        assert_eq!(
            detect_mime(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
            "image/png"
        );
        assert_eq!(detect_mime("Xin chào".as_bytes()), "text/plain");
        assert_eq!(detect_mime(&[0xff, 0x00, 0xfe]), "application/octet-stream");
    }

    #[test]
    fn keys_fan_out() {
        let sha = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
        assert_eq!(storage_key(sha), format!("sha256/ab/cd/{sha}"));
    }

    #[test]
    fn a_mode_000_directory_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        assert!(check_directory(dir.path()).is_ok());
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
        let err = check_directory(dir.path()).unwrap_err();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(err.contains("mode 000"), "{err}");
    }

    #[test]
    fn rejects_unknown_schemes() {
        let config = StorageConfig {
            url: Some("ftp://example/x".into()),
            ..StorageConfig::default()
        };
        assert!(matches!(
            FileStore::open(&config),
            Err(StoreError::StorageConfig(_))
        ));
        let config = StorageConfig {
            url: Some("s3://".into()),
            ..StorageConfig::default()
        };
        assert!(matches!(
            FileStore::open(&config),
            Err(StoreError::StorageConfig(_))
        ));
    }
}

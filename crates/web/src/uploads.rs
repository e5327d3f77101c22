//! Reading multipart uploads: the short text fields of the form and one file, with a
//! name safe to show and store. Shared by the pages and the API.

use axum::extract::Multipart;
use bytes::Bytes;

use crate::AppError;

/// A file name safe to show and store: no path, no control characters, at most 120
/// characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() {
        "tep".into()
    } else {
        cleaned
    }
}

/// A posted upload form: its short text fields, and the file (a safe name, the bytes).
pub struct Upload {
    pub texts: Vec<(String, String)>,
    pub file: Option<(String, Bytes)>,
}

impl Upload {
    /// A text field read as a number.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.texts
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.trim().parse().ok())
    }
}

/// Reads a multipart form whose file is in the field `file_field`.
pub async fn read_upload(multipart: &mut Multipart, file_field: &str) -> Result<Upload, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        AppError::field(file_field, format!("Không đọc được tệp gửi lên: {e}"))
    };
    let mut upload = Upload {
        texts: Vec::new(),
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            let file_name = clean_name(field.file_name().unwrap_or("tep"));
            let bytes = field.bytes().await.map_err(unreadable)?;
            upload.file = Some((file_name, bytes));
        } else if let Ok(text) = field.text().await {
            upload.texts.push((name, text.chars().take(200).collect()));
        }
    }
    Ok(upload)
}

/// A result upload (`ten`: its title, `tep`: the file): `(title, file name, bytes)`.
pub async fn read_result(multipart: &mut Multipart) -> Result<(String, String, Bytes), AppError> {
    let upload = read_upload(multipart, "tep").await?;
    let title = upload
        .texts
        .iter()
        .find(|(k, _)| k == "ten")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (name, bytes) = upload.file.unwrap_or_default();
    Ok((title, name, bytes))
}

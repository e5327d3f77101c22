//! motcua's documents: one simple model of a printed page (titles, paragraphs,
//! label–value lines, a right-hand signature block, a QR code) written out as PDF
//! (Noto Serif embedded and subset, so Vietnamese prints everywhere) or as DOCX with
//! the same text. Kept in its own crate: the PDF engine is heavy to build.

mod docx;
mod pdf;
mod qr;

pub use docx::to_docx;
pub use pdf::to_pdf;
pub use qr::qr_modules;

/// One block of a document, top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A centred line (national title, motto, form title).
    Center { text: String, bold: bool, size: f32 },
    /// A paragraph, wrapped to the page width.
    Text { text: String, bold: bool },
    /// `label: value`, wrapped; the label in bold.
    Field { label: String, value: String },
    /// Lines on the right half (date and place, signature block).
    Right { lines: Vec<(String, bool)> },
    /// Vertical space, in points.
    Space(f32),
    /// A QR code with a caption beside it.
    Qr { data: String, caption: String },
}

/// A document: its title (metadata) and blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Body text size, in points.
pub const BODY_SIZE: f32 = 12.0;

/// The national title and motto that head official forms.
pub fn national_heading() -> Vec<Block> {
    vec![
        Block::Center {
            text: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
            bold: true,
            size: 12.5,
        },
        Block::Center {
            text: "Độc lập - Tự do - Hạnh phúc".into(),
            bold: true,
            size: 13.0,
        },
        Block::Center {
            text: "_______________".into(),
            bold: false,
            size: 10.0,
        },
        Block::Space(8.0),
    ]
}

impl Doc {
    /// Every line of text in reading order, as both formats carry it (for checks).
    pub fn plain_text(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Center { text, .. } | Block::Text { text, .. } => lines.push(text.clone()),
                Block::Field { label, value } => lines.push(format!("{label}: {value}")),
                Block::Right { lines: right } => lines.extend(right.iter().map(|(t, _)| t.clone())),
                Block::Qr { caption, .. } => lines.push(caption.clone()),
                Block::Space(_) => {}
            }
        }
        lines
    }
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("font: {0}")]
    Font(&'static str),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("QR code: {0}")]
    Qr(String),
}

//! motcua's documents: one simple model of a printed page (titles, paragraphs,
//! label–value lines, a right-hand signature block, a QR code, ruled tables) written out as PDF
//! (Noto Serif embedded and subset, so Vietnamese prints everywhere) or as DOCX with
//! the same text; and registers as XLSX. Kept in its own crate: the PDF engine is heavy to build.

mod docx;
mod pdf;
mod qr;
mod xlsx;

pub use docx::to_docx;
pub use pdf::to_pdf;
pub use qr::qr_modules;
pub use xlsx::{Sheet, to_xlsx};

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
    /// Two columns side by side, each line centred in its half: the heading of an
    /// official form (agency | national title) or two signature blocks. Never split
    /// across pages.
    Columns {
        left: Vec<(String, bool)>,
        right: Vec<(String, bool)>,
        /// The left column's share of the line (0.5: halves).
        left_share: f32,
        /// Text size, in points.
        size: f32,
    },
    /// A ruled table: column widths as shares of the line, a bold header row, then
    /// the rows (a row is never split across pages).
    Table {
        widths: Vec<f32>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// The paper size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Paper {
    #[default]
    A4,
    /// Half of A4, portrait: the one-stop forms handed to applicants.
    A5,
}

/// A document: its title (metadata) and blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub title: String,
    pub paper: Paper,
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
                Block::Columns { left, right, .. } => {
                    lines.extend(left.iter().map(|(t, _)| t.clone()));
                    lines.extend(right.iter().map(|(t, _)| t.clone()));
                }
                Block::Table { header, rows, .. } => {
                    for row in std::iter::once(header).chain(rows) {
                        lines.extend(row.iter().cloned());
                    }
                }
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
    #[error("XLSX: {0}")]
    Xlsx(String),
}

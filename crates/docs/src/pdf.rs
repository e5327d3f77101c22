//! PDF output: blocks laid out on A4 or A5 pages (margins of official forms), text wrapped by
//! the font's own advance widths, Noto Serif embedded (krilla subsets it to the glyphs
//! used, so a one-page receipt stays small).

use std::sync::LazyLock;

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::{BODY_SIZE, Block, Doc, DocError, Paper, qr_modules};

static REGULAR_BYTES: &[u8] = include_bytes!("../fonts/NotoSerif-Regular.ttf");
static BOLD_BYTES: &[u8] = include_bytes!("../fonts/NotoSerif-Bold.ttf");

static REGULAR: LazyLock<Option<Font>> = LazyLock::new(|| Font::new(REGULAR_BYTES.into(), 0));
static BOLD: LazyLock<Option<Font>> = LazyLock::new(|| Font::new(BOLD_BYTES.into(), 0));

const LINE: f32 = 1.45;

/// A paper's size and margins, in points.
#[derive(Clone, Copy)]
struct Sheet {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
}

impl Sheet {
    fn of(paper: Paper) -> Self {
        match paper {
            Paper::A4 => Self {
                width: 595.28,
                height: 841.89,
                left: 70.0,
                right: 50.0,
                top: 50.0,
                bottom: 56.0,
            },
            Paper::A5 => Self {
                width: 419.53,
                height: 595.28,
                left: 42.0,
                right: 30.0,
                top: 32.0,
                bottom: 36.0,
            },
        }
    }

    fn text_width(&self) -> f32 {
        self.width - self.left - self.right
    }
}

/// One thing drawn on a page.
enum Mark {
    Text {
        x: f32,
        baseline: f32,
        bold: bool,
        size: f32,
        text: String,
    },
    Square {
        x: f32,
        y: f32,
        side: f32,
    },
    /// A filled rectangle (table rules).
    Rule {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

/// The width of `text` at `size` points.
fn width(bytes: &[u8], text: &str, size: f32) -> f32 {
    let Ok(font) = FontRef::new(bytes) else {
        return text.chars().count() as f32 * size * 0.5;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.5)
        })
        .sum()
}

fn font_bytes(bold: bool) -> &'static [u8] {
    if bold { BOLD_BYTES } else { REGULAR_BYTES }
}

/// Breaks `text` into lines no wider than `max` (words too long are cut).
fn wrap(text: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
    let bytes = font_bytes(bold);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(bytes, &candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A single word wider than the line: cut it.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(bytes, &piece, size) > max {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

/// Lays the blocks out on pages.
struct Layout {
    pages: Vec<Vec<Mark>>,
    y: f32,
    sheet: Sheet,
}

impl Layout {
    fn new(sheet: Sheet) -> Self {
        Self {
            pages: vec![Vec::new()],
            y: sheet.top,
            sheet,
        }
    }

    fn room(&mut self, height: f32) {
        if self.y + height > self.sheet.height - self.sheet.bottom {
            self.pages.push(Vec::new());
            self.y = self.sheet.top;
        }
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    fn line(&mut self, x: f32, text: String, bold: bool, size: f32) {
        let height = size * LINE;
        self.room(height);
        self.mark(Mark::Text {
            x,
            baseline: self.y + size,
            bold,
            size,
            text,
        });
        self.y += height;
    }

    fn block(&mut self, block: &Block) -> Result<(), DocError> {
        let text_width = self.sheet.text_width();
        let left_margin = self.sheet.left;
        match block {
            Block::Center { text, bold, size } => {
                for line in wrap(text, *bold, *size, text_width) {
                    let w = width(font_bytes(*bold), &line, *size);
                    self.line(left_margin + (text_width - w) / 2.0, line, *bold, *size);
                }
            }
            Block::Text { text, bold } => {
                for line in wrap(text, *bold, BODY_SIZE, text_width) {
                    self.line(left_margin, line, *bold, BODY_SIZE);
                }
            }
            Block::Field { label, value } => {
                // The label in bold, the value after it; wrapped as one paragraph.
                let label = format!("{label}:");
                let label_width = width(BOLD_BYTES, &label, BODY_SIZE) + 4.0;
                let first_room = (text_width - label_width).max(text_width / 3.0);
                let mut words = wrap(value, false, BODY_SIZE, first_room).into_iter();
                let first = words.next().unwrap_or_default();
                self.room(BODY_SIZE * LINE);
                self.mark(Mark::Text {
                    x: left_margin,
                    baseline: self.y + BODY_SIZE,
                    bold: true,
                    size: BODY_SIZE,
                    text: label,
                });
                self.line(left_margin + label_width, first, false, BODY_SIZE);
                let rest: Vec<String> = words.collect();
                if !rest.is_empty() {
                    for line in wrap(&rest.join(" "), false, BODY_SIZE, text_width) {
                        self.line(left_margin, line, false, BODY_SIZE);
                    }
                }
            }
            Block::Right { lines } => {
                let half = text_width / 2.0;
                let x0 = left_margin + half;
                let wrapped: Vec<(String, bool)> = lines
                    .iter()
                    .flat_map(|(text, bold)| {
                        wrap(text, *bold, BODY_SIZE, half)
                            .into_iter()
                            .map(move |line| (line, *bold))
                    })
                    .collect();
                // A signature block is never split across pages.
                self.room(wrapped.len() as f32 * BODY_SIZE * LINE);
                for (line, bold) in wrapped {
                    let w = width(font_bytes(bold), &line, BODY_SIZE);
                    self.line(x0 + (half - w) / 2.0, line, bold, BODY_SIZE);
                }
            }
            Block::Space(points) => self.y += points,
            Block::Columns {
                left,
                right,
                left_share,
                size,
            } => {
                let share = left_share.clamp(0.2, 0.8);
                let widths = [text_width * share, text_width * (1.0 - share)];
                let column = |lines: &Vec<(String, bool)>, room: f32| -> Vec<(String, bool)> {
                    lines
                        .iter()
                        .flat_map(|(text, bold)| {
                            wrap(text, *bold, *size, room - 6.0)
                                .into_iter()
                                .map(move |line| (line, *bold))
                        })
                        .collect()
                };
                let (left, right) = (column(left, widths[0]), column(right, widths[1]));
                let rows = left.len().max(right.len());
                self.room(rows as f32 * size * LINE);
                let top = self.y;
                let columns = [
                    (left_margin, widths[0], &left),
                    (left_margin + widths[0], widths[1], &right),
                ];
                for (x0, room, lines) in columns {
                    let mut y = top;
                    for (line, bold) in lines {
                        let w = width(font_bytes(*bold), line, *size);
                        self.mark(Mark::Text {
                            x: x0 + (room - w) / 2.0,
                            baseline: y + size,
                            bold: *bold,
                            size: *size,
                            text: line.clone(),
                        });
                        y += size * LINE;
                    }
                }
                self.y = top + rows as f32 * size * LINE;
            }
            Block::Table {
                widths,
                header,
                rows,
            } => {
                let size = BODY_SIZE - 2.0;
                let total: f32 = widths.iter().sum::<f32>().max(f32::EPSILON);
                let columns: Vec<f32> = widths.iter().map(|w| w / total * text_width).collect();
                let rule = 0.6;
                for (index, row) in std::iter::once(header).chain(rows).enumerate() {
                    let bold = index == 0;
                    let cells: Vec<Vec<String>> = columns
                        .iter()
                        .enumerate()
                        .map(|(i, w)| {
                            wrap(
                                row.get(i).map(String::as_str).unwrap_or(""),
                                bold,
                                size,
                                w - 6.0,
                            )
                        })
                        .collect();
                    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
                    let height = lines as f32 * size * LINE + 6.0;
                    self.room(height + rule);
                    let top = self.y;
                    let mut x = left_margin;
                    for (cell, w) in cells.iter().zip(&columns) {
                        let mut y = top + 3.0;
                        for line in cell {
                            self.mark(Mark::Text {
                                x: x + 3.0,
                                baseline: y + size,
                                bold,
                                size,
                                text: line.clone(),
                            });
                            y += size * LINE;
                        }
                        self.mark(Mark::Rule {
                            x,
                            y: top,
                            width: rule,
                            height,
                        });
                        x += w;
                    }
                    self.mark(Mark::Rule {
                        x,
                        y: top,
                        width: rule,
                        height,
                    });
                    self.mark(Mark::Rule {
                        x: left_margin,
                        y: top,
                        width: text_width,
                        height: rule,
                    });
                    self.mark(Mark::Rule {
                        x: left_margin,
                        y: top + height,
                        width: text_width,
                        height: rule,
                    });
                    self.y = top + height;
                }
                self.y += 4.0;
            }
            Block::Qr { data, caption } => {
                let (count, dark) = qr_modules(data)?;
                let side = 96.0_f32;
                let module = side / count as f32;
                self.room(side + 8.0);
                let top = self.y;
                for (x, y) in dark {
                    self.mark(Mark::Square {
                        x: left_margin + x as f32 * module,
                        y: top + y as f32 * module,
                        side: module,
                    });
                }
                let caption_x = left_margin + side + 14.0;
                let mut y = top;
                for line in wrap(caption, false, 10.5, text_width - side - 14.0) {
                    self.mark(Mark::Text {
                        x: caption_x,
                        baseline: y + 10.5,
                        bold: false,
                        size: 10.5,
                        text: line,
                    });
                    y += 10.5 * LINE;
                }
                self.y = top + side + 8.0;
            }
        }
        Ok(())
    }
}

/// The document as PDF bytes.
pub fn to_pdf(doc: &Doc) -> Result<Vec<u8>, DocError> {
    let regular = REGULAR
        .clone()
        .ok_or(DocError::Font("Noto Serif Regular"))?;
    let bold = BOLD.clone().ok_or(DocError::Font("Noto Serif Bold"))?;
    let sheet = Sheet::of(doc.paper);
    let mut layout = Layout::new(sheet);
    for block in &doc.blocks {
        layout.block(block)?;
    }
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .creator("motcua".into()),
    );
    let settings = PageSettings::from_wh(sheet.width, sheet.height)
        .ok_or_else(|| DocError::Pdf("page size".into()))?;
    for marks in &layout.pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut squares = PathBuilder::new();
        let mut any_square = false;
        for mark in marks {
            match mark {
                Mark::Text {
                    x,
                    baseline,
                    bold: is_bold,
                    size,
                    text,
                } => {
                    let font = if *is_bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(*x, *baseline),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Mark::Square { x, y, side } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *side + 0.05, *side + 0.05) {
                        squares.push_rect(rect);
                        any_square = true;
                    }
                }
                Mark::Rule {
                    x,
                    y,
                    width,
                    height,
                } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                        squares.push_rect(rect);
                        any_square = true;
                    }
                }
            }
        }
        if any_square && let Some(path) = squares.finish() {
            surface.set_fill(Some(Fill::default()));
            surface.draw_path(&path);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| DocError::Pdf(format!("{e:?}")))
}

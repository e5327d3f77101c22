//! DOCX output with the same text as the PDF: Times New Roman (what official forms
//! use; Word substitutes a close font where it is missing), A4 or A5, the same blocks.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableRow,
    WidthType,
};

use crate::{BODY_SIZE, Block, Doc, DocError, Paper};

/// Points to the half-points Word uses for sizes.
fn half_points(points: f32) -> usize {
    (points * 2.0).round() as usize
}

fn run(text: &str, bold: bool, size: f32) -> Run {
    let run = Run::new().add_text(text).size(half_points(size)).fonts(
        RunFonts::new()
            .ascii("Times New Roman")
            .hi_ansi("Times New Roman")
            .cs("Times New Roman"),
    );
    if bold { run.bold() } else { run }
}

/// The document as DOCX bytes.
pub fn to_docx(doc: &Doc) -> Result<Vec<u8>, DocError> {
    // In twentieths of a point, margins as the PDF's.
    let (width, height, margin, line) = match doc.paper {
        Paper::A4 => (
            11906,
            16838,
            PageMargin::new()
                .top(1000)
                .bottom(1120)
                .left(1400)
                .right(1000),
            9500,
        ),
        Paper::A5 => (
            8391,
            11906,
            PageMargin::new().top(640).bottom(720).left(840).right(600),
            6950,
        ),
    };
    let half = line / 2;
    let mut docx = Docx::new().page_size(width, height).page_margin(margin);
    for block in &doc.blocks {
        docx = match block {
            Block::Center { text, bold, size } => docx.add_paragraph(
                Paragraph::new()
                    .add_run(run(text, *bold, *size))
                    .align(AlignmentType::Center),
            ),
            Block::Text { text, bold } => {
                docx.add_paragraph(Paragraph::new().add_run(run(text, *bold, BODY_SIZE)))
            }
            Block::Field { label, value } => docx.add_paragraph(
                Paragraph::new()
                    .add_run(run(&format!("{label}:"), true, BODY_SIZE))
                    .add_run(run(&format!(" {value}"), false, BODY_SIZE)),
            ),
            Block::Right { lines } => {
                // A two-column borderless table: nothing on the left, the lines centred
                // on the right.
                let mut right = TableCell::new().width(half, WidthType::Dxa);
                for (text, bold) in lines {
                    right = right.add_paragraph(
                        Paragraph::new()
                            .add_run(run(text, *bold, BODY_SIZE))
                            .align(AlignmentType::Center),
                    );
                }
                let left = TableCell::new()
                    .width(half, WidthType::Dxa)
                    .add_paragraph(Paragraph::new());
                docx.add_table(
                    Table::new(vec![TableRow::new(vec![left, right])])
                        .set_grid(vec![half, half])
                        .clear_all_border(),
                )
            }
            Block::Columns {
                left,
                right,
                left_share,
                size,
            } => {
                let share = left_share.clamp(0.2, 0.8);
                let left_width = (line as f32 * share) as usize;
                let right_width = line - left_width;
                let cell = |lines: &Vec<(String, bool)>, width: usize| {
                    let mut cell = TableCell::new().width(width, WidthType::Dxa);
                    for (text, bold) in lines {
                        cell = cell.add_paragraph(
                            Paragraph::new()
                                .add_run(run(text, *bold, *size))
                                .align(AlignmentType::Center),
                        );
                    }
                    cell
                };
                docx.add_table(
                    Table::new(vec![TableRow::new(vec![
                        cell(left, left_width),
                        cell(right, right_width),
                    ])])
                    .set_grid(vec![left_width, right_width])
                    .clear_all_border(),
                )
            }
            Block::Table {
                widths,
                header,
                rows,
            } => {
                let total: f32 = widths.iter().sum::<f32>().max(f32::EPSILON);
                let grid: Vec<usize> = widths
                    .iter()
                    .map(|w| (w / total * line as f32) as usize)
                    .collect();
                let table_rows = std::iter::once((header, true))
                    .chain(rows.iter().map(|r| (r, false)))
                    .map(|(row, bold)| {
                        TableRow::new(
                            grid.iter()
                                .enumerate()
                                .map(|(i, w)| {
                                    TableCell::new().width(*w, WidthType::Dxa).add_paragraph(
                                        Paragraph::new().add_run(run(
                                            row.get(i).map(String::as_str).unwrap_or(""),
                                            bold,
                                            BODY_SIZE - 2.0,
                                        )),
                                    )
                                })
                                .collect(),
                        )
                    })
                    .collect();
                docx.add_table(Table::new(table_rows).set_grid(grid))
            }
            Block::Space(points) => docx.add_paragraph(
                Paragraph::new().add_run(Run::new().add_text("").size(half_points(points / 2.0))),
            ),
            Block::Qr { caption, .. } => {
                // Word shows the caption; the code itself is for the PDF and the screen.
                docx.add_paragraph(Paragraph::new().add_run(run(caption, false, 10.5)))
            }
        };
    }
    let mut bytes = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(bytes.into_inner())
}

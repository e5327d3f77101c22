//! QR codes as a square of dark and light modules.

use qrcode::{Color, EcLevel, QrCode};

use crate::DocError;

/// The modules of a QR code for `data` (medium error correction): the side length and
/// the dark modules as `(x, y)`, without the quiet zone.
pub fn qr_modules(data: &str) -> Result<(usize, Vec<(usize, usize)>), DocError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| DocError::Qr(e.to_string()))?;
    let width = code.width();
    let colors = code.to_colors();
    let dark = colors
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == Color::Dark)
        .map(|(i, _)| (i % width, i / width))
        .collect();
    Ok((width, dark))
}

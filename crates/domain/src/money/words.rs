//! Amounts in Vietnamese words, as written on receipts and payment requests.
//!
//! Groups of three digits are read with their scale (nghìn, triệu, tỷ); a group after
//! the first is read in full ("một triệu không trăm linh năm nghìn"); a zero tens digit
//! before a unit is "linh" (the form used in accounting documents; "lẻ" in the South);
//! 1 after a tens digit of 2 or more is "mốt", 5 after any tens digit is "lăm", and ten
//! is "mười" where twenty and up are "… mươi".

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];
const BILLION: u64 = 1_000_000_000;

/// `amount` in words, capitalised, followed by "đồng".
pub(super) fn amount_in_words(amount: i64) -> String {
    let mut words = Vec::new();
    if amount < 0 {
        words.push("âm");
    }
    let magnitude = amount.unsigned_abs();
    if magnitude == 0 {
        words.push(DIGITS[0]);
    } else {
        number(magnitude, &mut words);
    }
    words.push("đồng");
    capitalise(&words.join(" "))
}

/// Words of `n` (> 0) with nothing read before it.
fn number(n: u64, words: &mut Vec<&'static str>) {
    if n >= BILLION {
        number(n / BILLION, words);
        words.push("tỷ");
        below_billion(n % BILLION, true, words);
    } else {
        below_billion(n, false, words);
    }
}

/// Words of `n` (< 1 000 000 000); `after_higher` when digits were read before it, so
/// that its first group is read in full.
fn below_billion(n: u64, after_higher: bool, words: &mut Vec<&'static str>) {
    let groups = [
        (n / 1_000_000, "triệu"),
        (n / 1_000 % 1_000, "nghìn"),
        (n % 1_000, ""),
    ];
    let mut read_before = after_higher;
    for (group, scale) in groups {
        if group == 0 {
            continue;
        }
        three_digits(group, read_before, words);
        if !scale.is_empty() {
            words.push(scale);
        }
        read_before = true;
    }
}

/// Words of a group `g` (1–999); `full` reads the hundreds even when zero.
fn three_digits(g: u64, full: bool, words: &mut Vec<&'static str>) {
    let (hundreds, tens, units) = (
        (g / 100) as usize,
        (g / 10 % 10) as usize,
        (g % 10) as usize,
    );
    let has_hundreds = full || hundreds > 0;
    if has_hundreds {
        words.extend([DIGITS[hundreds], "trăm"]);
    }
    match tens {
        0 if units > 0 && has_hundreds => words.push("linh"),
        0 => {}
        1 => words.push("mười"),
        _ => words.extend([DIGITS[tens], "mươi"]),
    }
    match units {
        0 => {}
        1 if tens >= 2 => words.push("mốt"),
        5 if tens >= 1 => words.push("lăm"),
        _ => words.push(DIGITS[units]),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::amount_in_words;

    #[test]
    fn reads_amounts_like_a_cashier() {
        let cases = [
            (0, "Không đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (11, "Mười một đồng"),
            (15, "Mười lăm đồng"),
            (20, "Hai mươi đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi bốn đồng"),
            (25, "Hai mươi lăm đồng"),
            (100, "Một trăm đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (115, "Một trăm mười lăm đồng"),
            (1_000, "Một nghìn đồng"),
            (1_001, "Một nghìn không trăm linh một đồng"),
            (1_010, "Một nghìn không trăm mười đồng"),
            (15_000, "Mười lăm nghìn đồng"),
            (21_000, "Hai mươi mốt nghìn đồng"),
            (50_000, "Năm mươi nghìn đồng"),
            (101_000, "Một trăm linh một nghìn đồng"),
            (1_000_000, "Một triệu đồng"),
            (1_000_005, "Một triệu không trăm linh năm đồng"),
            (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
            (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
            (2_000_050_000, "Hai tỷ không trăm năm mươi nghìn đồng"),
            (1_000_000_000_000, "Một nghìn tỷ đồng"),
            (1_001_000_000_000, "Một nghìn không trăm linh một tỷ đồng"),
            (-300_000, "Âm ba trăm nghìn đồng"),
        ];
        for (amount, words) in cases {
            assert_eq!(amount_in_words(amount), words, "{amount}");
        }
        assert!(amount_in_words(i64::MIN).starts_with("Âm chín tỷ hai trăm hai mươi ba triệu"));
    }
}

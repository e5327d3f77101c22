//! Suggestions as you type: procedures whose name, folded, has a run of words starting
//! with what was typed so far ("dang ky k" → "Đăng ký khai sinh", "Đăng ký kết hôn").

use serde::{Deserialize, Serialize};

use crate::ProcedureDoc;
use crate::analysis::folded_words;

/// The most suggestions returned at once.
pub const MAX_SUGGESTIONS: usize = 50;

/// A procedure proposed while the person is still typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Official code.
    pub code: String,
    /// Name, as in the catalog.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
}

/// Every word start of every folded name, sorted by the text that follows it, so the
/// names continuing a prefix form one contiguous range.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameStarts {
    /// Each procedure's folded name, words separated by one space.
    names: Vec<String>,
    /// Procedure, byte offset of a word start in its folded name, and word number.
    starts: Vec<(u32, u32, u32)>,
}

impl NameStarts {
    /// Indexes the names of `procedures`.
    pub(crate) fn new(procedures: &[ProcedureDoc]) -> Self {
        let names: Vec<String> = procedures
            .iter()
            .map(|procedure| folded_words(&procedure.name).join(" "))
            .collect();
        let mut starts = Vec::new();
        for (ord, name) in names.iter().enumerate() {
            let mut offset = 0;
            for (number, word) in name.split(' ').enumerate() {
                starts.push((ord as u32, offset as u32, number as u32));
                offset += word.len() + 1;
            }
        }
        starts.sort_unstable_by(|a, b| {
            let text =
                |&(ord, offset, _): &(u32, u32, u32)| &names[ord as usize][offset as usize..];
            text(a).cmp(text(b)).then(a.0.cmp(&b.0))
        });
        Self { names, starts }
    }

    /// The procedures with a run of name words continuing `prefix` (folded; its last
    /// word may be incomplete), each once with the number of the word where the run
    /// starts, earliest run kept.
    pub(crate) fn continuing(&self, prefix: &str) -> Vec<(u32, u32)> {
        let needle = folded_words(prefix).join(" ");
        if needle.is_empty() {
            return Vec::new();
        }
        let text =
            |&(ord, offset, _): &(u32, u32, u32)| &self.names[ord as usize][offset as usize..];
        let first = self
            .starts
            .partition_point(|start| text(start) < needle.as_str());
        let mut found: Vec<(u32, u32)> = self.starts[first..]
            .iter()
            .take_while(|start| text(start).starts_with(&needle))
            .map(|&(ord, _, number)| (ord, number))
            .collect();
        found.sort_unstable();
        found.dedup_by_key(|(ord, _)| *ord);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::NameStarts;
    use crate::ProcedureDoc;

    fn names(names: &[&str]) -> NameStarts {
        let procedures: Vec<ProcedureDoc> = names
            .iter()
            .map(|name| ProcedureDoc {
                name: name.to_string(),
                ..ProcedureDoc::default()
            })
            .collect();
        NameStarts::new(&procedures)
    }

    #[test]
    fn finds_runs_at_any_word() {
        let starts = names(&[
            "Thủ tục đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Đăng ký thường trú",
            "Cấp bản sao Giấy khai sinh",
        ]);
        assert_eq!(starts.continuing("dang ky k"), [(0, 2), (1, 0)]);
        assert_eq!(starts.continuing("Đăng Ký  K"), [(0, 2), (1, 0)]);
        assert_eq!(starts.continuing("khai s"), [(0, 4), (3, 4)]);
        assert_eq!(starts.continuing("ang"), []);
        assert_eq!(starts.continuing(" , "), []);
    }

    #[test]
    fn keeps_the_earliest_run_of_a_name() {
        let starts = names(&["Đăng ký thay đổi nội dung đăng ký hộ kinh doanh"]);
        assert_eq!(starts.continuing("dang ky"), [(0, 0)]);
        assert_eq!(starts.continuing("dang ky h"), [(0, 6)]);
    }
}

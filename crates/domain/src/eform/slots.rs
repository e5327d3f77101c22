//! The document slots of a dossier: one per document of the procedure, required or not
//! as the catalog says, a conditional one needed when its rule's answer holds, and the
//! file types each takes.

use super::answers::{Answers, holds};
use super::model::{FileKind, FormDefinition, OnlineUse};
use crate::catalog::{Document, Presentation, Requirement};

/// One place to attach a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// Position of the document in the procedure's list (stable for a version).
    pub index: usize,
    pub name: String,
    /// Must be attached before submitting.
    pub required: bool,
    /// Shown at all (a conditional document whose condition does not hold is not).
    pub shown: bool,
    /// The catalog's words for when it is needed, for conditional documents.
    pub condition: Option<String>,
    pub originals: u32,
    pub copies: u32,
    /// Only shown at the counter in person: online, a scan is enough and optional.
    pub show_only: bool,
    pub accept: Vec<FileKind>,
    pub template: Option<String>,
    /// Provided by the e-form's answers (no file to attach).
    pub by_form: bool,
}

/// The slots for a procedure version's documents, given the answers so far.
pub fn document_slots(
    definition: Option<&FormDefinition>,
    documents: &[Document],
    answers: &Answers,
) -> Vec<Slot> {
    documents
        .iter()
        .enumerate()
        .map(|(index, document)| {
            let rule =
                definition.and_then(|d| d.documents.iter().find(|r| r.document == document.name));
            let condition_holds = rule
                .and_then(|r| r.show_if.as_ref())
                .map(|c| holds(c, answers, answers));
            let show_only = document.presentation == Presentation::Show;
            let online = rule.map(|r| r.online).unwrap_or_default();
            let (shown, required) = match document.requirement {
                _ if online != OnlineUse::Upload => (false, false),
                Requirement::Required => (true, !show_only),
                Requirement::Optional => (true, false),
                // Without a rule the person decides (the condition is shown in words).
                Requirement::Conditional => match condition_holds {
                    Some(holds) => (holds, holds && !show_only),
                    None => (true, false),
                },
            };
            Slot {
                index,
                name: document.name.clone(),
                required,
                shown,
                condition: document.condition.clone(),
                originals: document.originals,
                copies: document.copies,
                show_only,
                accept: rule
                    .filter(|r| !r.accept.is_empty())
                    .map_or_else(|| FileKind::DEFAULT.to_vec(), |r| r.accept.clone()),
                template: document.template.clone(),
                by_form: online == OnlineUse::ByForm,
            }
        })
        .collect()
}

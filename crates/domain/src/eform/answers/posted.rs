//! Answers from outside the form's checks: the posted fields of one step (HTML form
//! pairs or JSON), and the profile's facts that prefill a new draft.

use serde_json::{Map, Value};

use super::{Answers, has_value};
use crate::eform::model::{Field, FieldType, FormDefinition, Prefill};

/// Reads the posted fields of one step into `answers`, replacing that step's answers
/// (fields of other steps are kept). Names: `id`, `id.province`, `id[0].sub`; a
/// multiple choice repeats its name; a checkbox is present when ticked.
pub fn merge_step(
    definition: &FormDefinition,
    step_id: &str,
    answers: &mut Answers,
    pairs: &[(String, String)],
) {
    let Some(step) = definition.steps.iter().find(|s| s.id == step_id) else {
        return;
    };
    for field in &step.fields {
        match read_field(field, &field.id, pairs) {
            Some(value) => answers.insert(field.id.clone(), value),
            None => answers.remove(&field.id),
        };
    }
}

/// Replaces one step's answers with those given as JSON (the API's form of
/// [`merge_step`]); numbers are kept as typed text, like posted answers.
pub fn merge_step_json(
    definition: &FormDefinition,
    step_id: &str,
    answers: &mut Answers,
    incoming: &Answers,
) {
    fn as_typed(value: &Value) -> Value {
        match value {
            Value::Number(n) => Value::String(n.to_string()),
            Value::Array(items) => Value::Array(items.iter().map(as_typed).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), as_typed(v))).collect())
            }
            other => other.clone(),
        }
    }
    let Some(step) = definition.steps.iter().find(|s| s.id == step_id) else {
        return;
    };
    for field in &step.fields {
        match incoming.get(&field.id) {
            Some(value) => answers.insert(field.id.clone(), as_typed(value)),
            None => answers.remove(&field.id),
        };
    }
}

fn values<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn read_field(field: &Field, name: &str, pairs: &[(String, String)]) -> Option<Value> {
    let first = |name: &str| values(pairs, name).first().map(|v| v.to_string());
    match field.kind {
        FieldType::Checkbox => Some(Value::Bool(!values(pairs, name).is_empty())),
        FieldType::MultiChoice => {
            let chosen: Vec<Value> = values(pairs, name)
                .into_iter()
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_string()))
                .collect();
            Some(Value::Array(chosen))
        }
        FieldType::Address => {
            let mut parts = Map::new();
            for key in ["province", "commune", "street"] {
                if let Some(v) = first(&format!("{name}.{key}")) {
                    parts.insert(key.into(), Value::String(v));
                }
            }
            Some(Value::Object(parts))
        }
        FieldType::Group => {
            // Items are numbered from 0; the highest number posted says how many.
            let prefix = format!("{name}[");
            let count = pairs
                .iter()
                .filter_map(|(k, _)| k.strip_prefix(&prefix))
                .filter_map(|rest| rest.split(']').next()?.parse::<usize>().ok())
                .map(|i| i + 1)
                .max()
                .unwrap_or(0)
                .min(crate::eform::definition::MAX_GROUP_ITEMS as usize);
            let items = (0..count)
                .map(|i| {
                    let mut item = Map::new();
                    for sub in &field.fields {
                        if let Some(v) = read_field(sub, &format!("{name}[{i}].{}", sub.id), pairs)
                        {
                            item.insert(sub.id.clone(), v);
                        }
                    }
                    Value::Object(item)
                })
                .collect();
            Some(Value::Array(items))
        }
        _ => first(name).map(Value::String),
    }
}

/// What the applicant's account offers to prefill.
#[derive(Clone, Debug, Default)]
pub struct ProfileFacts {
    pub full_name: Option<String>,
    pub citizen_id: Option<String>,
    pub tax_code: Option<String>,
    /// National form, as people write it.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A free-text address from the profile.
    pub address: Option<String>,
}

/// Answers prefilled from the profile, for fields not answered yet.
pub fn prefill(definition: &FormDefinition, facts: &ProfileFacts, answers: &mut Answers) {
    for field in definition.steps.iter().flat_map(|s| &s.fields) {
        let Some(source) = field.prefill else {
            continue;
        };
        if has_value(answers.get(&field.id)) {
            continue;
        }
        let fact = match source {
            Prefill::FullName => &facts.full_name,
            Prefill::CitizenId => &facts.citizen_id,
            Prefill::TaxCode => &facts.tax_code,
            Prefill::Phone => &facts.phone,
            Prefill::Email => &facts.email,
            Prefill::Address => &facts.address,
        };
        let Some(fact) = fact else { continue };
        let value = if field.kind == FieldType::Address {
            // The profile's address is free text: it fills the street line.
            let mut parts = Map::new();
            parts.insert("street".into(), Value::String(fact.clone()));
            Value::Object(parts)
        } else {
            Value::String(fact.clone())
        };
        answers.insert(field.id.clone(), value);
    }
}

//! E-form fields as accessible HTML: every input has its label, its hint and its
//! error tied by `aria-describedby`; choices are radio groups or selects; addresses are
//! province and commune pickers (the commune list is that of the chosen province, so
//! the page stays small) plus a street line; repeating groups have add and remove
//! buttons; conditional fields carry their condition for the script to show them live,
//! and are hidden by the server when their condition does not hold.

use std::fmt::Write;

use motcua_domain::catalog::Problem;
use motcua_domain::eform::{Answers, Field, FieldType, Step, item_name, parse_date, visible};
use serde_json::{Map, Value};

use crate::places::PlaceBook;

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What rendering needs.
pub struct Render<'a> {
    pub problems: &'a [Problem],
    pub places: &'a PlaceBook,
}

impl Render<'_> {
    fn error(&self, path: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.path == path)
            .map(|p| p.message.as_str())
    }

    /// The fields of a step.
    pub fn step(&self, step: &Step, answers: &Answers) -> String {
        let mut html = String::new();
        for field in &step.fields {
            self.field(
                &mut html,
                field,
                &field.id,
                answers.get(&field.id),
                answers,
                answers,
            );
        }
        html
    }

    fn field(
        &self,
        html: &mut String,
        field: &Field,
        path: &str,
        value: Option<&Value>,
        local: &Answers,
        top: &Answers,
    ) {
        let shown = visible(field, local, top);
        let condition = field
            .show_if
            .as_ref()
            .map(|c| {
                format!(
                    " data-show-if=\"{}\"",
                    esc(&serde_json::to_string(c).unwrap_or_default())
                )
            })
            .unwrap_or_default();
        let hidden = if shown { "" } else { " hidden" };
        let id = esc(path);
        let error = self.error(path);
        let required = if field.required {
            " <span class=\"required\" aria-hidden=\"true\">*</span>"
        } else {
            " <span class=\"hint\">(không bắt buộc)</span>"
        };
        let mut described = Vec::new();
        let hint = field.help.as_deref().map(|help| {
            described.push(format!("{id}-goi-y"));
            format!("<p class=\"hint\" id=\"{id}-goi-y\">{}</p>", esc(help))
        });
        let error_html = error.map(|message| {
            described.push(format!("{id}-loi"));
            format!(
                "<p class=\"field-error\" id=\"{id}-loi\">{}</p>",
                esc(message)
            )
        });
        let aria = {
            let mut a = String::new();
            if !described.is_empty() {
                let _ = write!(a, " aria-describedby=\"{}\"", described.join(" "));
            }
            if error.is_some() {
                a.push_str(" aria-invalid=\"true\"");
            }
            if field.required {
                a.push_str(" aria-required=\"true\"");
            }
            a
        };
        let text = value.and_then(Value::as_str).unwrap_or("");
        let label = esc(&field.label);
        let notes = format!(
            "{}{}",
            hint.unwrap_or_default(),
            error_html.unwrap_or_default()
        );
        match field.kind {
            FieldType::Choice | FieldType::MultiChoice => {
                let multi = field.kind == FieldType::MultiChoice;
                let chosen = |option: &str| match value {
                    Some(Value::String(s)) => s == option,
                    Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(option)),
                    _ => false,
                };
                if !multi && field.options.len() > 6 {
                    let _ = write!(
                        html,
                        "<div class=\"field\" id=\"f-{id}\"{condition}{hidden}><label for=\"{id}\">{label}{required}</label>{notes}\
                         <select id=\"{id}\" name=\"{id}\"{aria}><option value=\"\">— Chọn —</option>"
                    );
                    for option in &field.options {
                        let selected = if chosen(option) { " selected" } else { "" };
                        let o = esc(option);
                        let _ = write!(html, "<option value=\"{o}\"{selected}>{o}</option>");
                    }
                    html.push_str("</select></div>");
                } else {
                    let kind = if multi { "checkbox" } else { "radio" };
                    let _ = write!(
                        html,
                        "<fieldset class=\"choices stacked\" id=\"f-{id}\"{condition}{hidden}{aria}><legend>{label}{required}</legend>{notes}"
                    );
                    for (i, option) in field.options.iter().enumerate() {
                        let checked = if chosen(option) { " checked" } else { "" };
                        let o = esc(option);
                        let _ = write!(
                            html,
                            "<label><input type=\"{kind}\" id=\"{id}-{i}\" name=\"{id}\" value=\"{o}\"{checked}> {o}</label>"
                        );
                    }
                    html.push_str("</fieldset>");
                }
            }
            FieldType::Checkbox => {
                let checked = if value.and_then(Value::as_bool).unwrap_or(false) {
                    " checked"
                } else {
                    ""
                };
                let _ = write!(
                    html,
                    "<div class=\"field check\" id=\"f-{id}\"{condition}{hidden}>{notes}\
                     <label><input type=\"checkbox\" id=\"{id}\" name=\"{id}\" value=\"1\"{checked}{aria}> {label}{required}</label></div>"
                );
            }
            FieldType::LongText => {
                let max = field.max_length.unwrap_or(2000);
                let _ = write!(
                    html,
                    "<div class=\"field\" id=\"f-{id}\"{condition}{hidden}><label for=\"{id}\">{label}{required}</label>{notes}\
                     <textarea id=\"{id}\" name=\"{id}\" rows=\"4\" maxlength=\"{max}\"{aria}>{}</textarea></div>",
                    esc(text)
                );
            }
            FieldType::Address => self.address(
                html, field, path, value, &condition, hidden, &notes, required,
            ),
            FieldType::Group => self.group(
                html, field, path, value, top, &condition, hidden, &notes, required,
            ),
            _ => {
                let attributes = match field.kind {
                    FieldType::Date => " type=\"date\"".to_string(),
                    FieldType::Number => " type=\"text\" inputmode=\"decimal\"".into(),
                    FieldType::Money => {
                        " type=\"text\" inputmode=\"numeric\" placeholder=\"1.500.000\"".into()
                    }
                    FieldType::CitizenId => {
                        " type=\"text\" inputmode=\"numeric\" maxlength=\"14\" autocomplete=\"off\""
                            .into()
                    }
                    FieldType::TaxCode => {
                        " type=\"text\" inputmode=\"numeric\" maxlength=\"14\"".into()
                    }
                    FieldType::Phone => {
                        " type=\"tel\" autocomplete=\"tel\" placeholder=\"0912 345 678\"".into()
                    }
                    FieldType::Email => " type=\"email\" autocomplete=\"email\"".into(),
                    _ => format!(
                        " type=\"text\" maxlength=\"{}\"",
                        field.max_length.unwrap_or(200)
                    ),
                };
                // A date typed as 5/9/2024 shows in the picker as 2024-09-05.
                let shown_value = if field.kind == FieldType::Date {
                    parse_date(text)
                        .map_or_else(|| text.to_string(), |d| d.format("%Y-%m-%d").to_string())
                } else {
                    text.to_string()
                };
                let _ = write!(
                    html,
                    "<div class=\"field\" id=\"f-{id}\"{condition}{hidden}><label for=\"{id}\">{label}{required}</label>{notes}\
                     <input id=\"{id}\" name=\"{id}\"{attributes} value=\"{}\"{aria}></div>",
                    esc(&shown_value)
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn address(
        &self,
        html: &mut String,
        field: &Field,
        path: &str,
        value: Option<&Value>,
        condition: &str,
        hidden: &str,
        notes: &str,
        required: &str,
    ) {
        let id = esc(path);
        let empty = Map::new();
        let parts = value.and_then(Value::as_object).unwrap_or(&empty);
        let part = |key: &str| {
            parts
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (province, commune, street) = (part("province"), part("commune"), part("street"));
        let _ = write!(
            html,
            "<fieldset class=\"address\" id=\"f-{id}\"{condition}{hidden}><legend>{}{required}</legend>{notes}",
            esc(&field.label)
        );
        let sub_error = |key: &str| {
            self.error(&format!("{path}.{key}"))
                .map(|m| {
                    format!(
                        "<p class=\"field-error\" id=\"{id}.{key}-loi\">{}</p>",
                        esc(m)
                    )
                })
                .unwrap_or_default()
        };
        let _ = write!(
            html,
            "<div class=\"field\"><label for=\"{id}.province\">Tỉnh, thành phố</label>{}\
             <select id=\"{id}.province\" name=\"{id}.province\" data-communes=\"{id}.commune\"><option value=\"\">— Chọn tỉnh, thành phố —</option>",
            sub_error("province")
        );
        for (code, name) in self.places.provinces() {
            let selected = if *code == province { " selected" } else { "" };
            let _ = write!(
                html,
                "<option value=\"{code}\"{selected}>{}</option>",
                esc(name)
            );
        }
        html.push_str("</select></div>");
        let communes = self.places.communes_of(&province);
        let _ = write!(
            html,
            "<div class=\"field\"><label for=\"{id}.commune\">Xã, phường, đặc khu</label>{}\
             <select id=\"{id}.commune\" name=\"{id}.commune\"><option value=\"\">{}</option>",
            sub_error("commune"),
            if communes.is_empty() {
                "— Chọn tỉnh trước —"
            } else {
                "— Chọn xã, phường —"
            }
        );
        for (code, name) in communes {
            let selected = if *code == commune { " selected" } else { "" };
            let _ = write!(
                html,
                "<option value=\"{code}\"{selected}>{}</option>",
                esc(name)
            );
        }
        let _ = write!(
            html,
            "</select><button class=\"secondary small no-js-only\" type=\"submit\" name=\"_action\" value=\"save\">Cập nhật danh sách xã theo tỉnh đã chọn</button></div>\
             <div class=\"field\"><label for=\"{id}.street\">Số nhà, đường, thôn, tổ dân phố</label>{}\
             <input id=\"{id}.street\" name=\"{id}.street\" type=\"text\" maxlength=\"200\" autocomplete=\"street-address\" value=\"{}\"></div></fieldset>",
            sub_error("street"),
            esc(&street)
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn group(
        &self,
        html: &mut String,
        field: &Field,
        path: &str,
        value: Option<&Value>,
        top: &Answers,
        condition: &str,
        hidden: &str,
        notes: &str,
        required: &str,
    ) {
        let id = esc(path);
        let mut items: Vec<Value> = value.and_then(Value::as_array).cloned().unwrap_or_default();
        let least = field.min.unwrap_or(0).max(i64::from(field.required)) as usize;
        while items.len() < least.max(1) {
            items.push(Value::Object(Map::new()));
        }
        let name = esc(item_name(field));
        let _ = write!(
            html,
            "<fieldset class=\"group\" id=\"f-{id}\"{condition}{hidden}><legend>{}{required}</legend>{notes}",
            esc(&field.label)
        );
        let empty = Map::new();
        for (i, item) in items.iter().enumerate() {
            let local = item.as_object().unwrap_or(&empty);
            let _ = write!(
                html,
                "<div class=\"group-item\"><p class=\"group-title\">{name} {}</p>",
                i + 1
            );
            for sub in &field.fields {
                let sub_path = format!("{path}[{i}].{}", sub.id);
                self.field(html, sub, &sub_path, local.get(&sub.id), local, top);
            }
            if items.len() > least {
                let _ = write!(
                    html,
                    "<button class=\"secondary small\" type=\"submit\" name=\"_action\" value=\"remove:{id}:{i}\">Xóa {} {}</button>",
                    name.to_lowercase(),
                    i + 1
                );
            }
            html.push_str("</div>");
        }
        let max = field.max.unwrap_or(motcua_domain::eform::MAX_GROUP_ITEMS) as usize;
        if items.len() < max {
            let _ = write!(
                html,
                "<button class=\"secondary\" type=\"submit\" name=\"_action\" value=\"add:{id}\">Thêm {}</button>",
                name.to_lowercase()
            );
        }
        html.push_str("</fieldset>");
    }
}

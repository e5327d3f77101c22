//! The catalog pages: search (`/thu-tuc`) and one procedure (`/thu-tuc/{code}`), both
//! written for a phone first and printable.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use motcua_domain::catalog::{
    Level, OnlineService, Presentation, ProcedureEntry, Requirement, SubmissionChannel,
};
use motcua_domain::money::Dong;
use motcua_search::{FacetCount, SearchQuery};

use crate::catalog::short_name;
use crate::pages::Layout;
use crate::{AppError, AppState};

/// Filters of the search page, as (query parameter, title, what they filter).
const FILTERS: &[(&str, &str, Dimension)] = &[
    ("linh_vuc", "Lĩnh vực", Dimension::Field),
    ("cap", "Cấp thực hiện", Dimension::Level),
    ("truc_tuyen", "Mức độ trực tuyến", Dimension::Online),
    ("kenh", "Cách nộp hồ sơ", Dimension::Channel),
    ("co_quan", "Cơ quan thực hiện", Dimension::Agency),
];

#[derive(Clone, Copy)]
enum Dimension {
    Field,
    Level,
    Online,
    Channel,
    Agency,
}

impl Dimension {
    /// How a stored facet value reads in Vietnamese.
    fn label(self, value: &str) -> String {
        match self {
            Dimension::Level => parsed::<Level>(value).map(|l| l.label()),
            Dimension::Online => parsed::<OnlineService>(value).map(|o| o.label()),
            Dimension::Channel => parsed::<SubmissionChannel>(value).map(|c| c.label()),
            Dimension::Field | Dimension::Agency => None,
        }
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
    }
}

/// A catalog enum from its stable name (the value the index stores).
fn parsed<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).ok()
}

struct FacetOption {
    label: String,
    count: usize,
    href: String,
    active: bool,
}

struct FacetView {
    title: &'static str,
    options: Vec<FacetOption>,
}

struct ActiveFilter {
    label: String,
    remove_href: String,
}

struct ResultItem {
    name: String,
    href: String,
    field: String,
    levels: String,
    online: String,
    online_class: &'static str,
    time: String,
    cost: String,
}

struct PageLink {
    label: String,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "catalog/search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    searching: bool,
    total: usize,
    results: Vec<ResultItem>,
    facets: Vec<FacetView>,
    active: Vec<ActiveFilter>,
    pages: Vec<PageLink>,
    fields: Vec<FacetOption>,
    online_shares: Vec<(String, usize, usize)>,
    procedure_count: usize,
}

/// The search parameters of the page, in Vietnamese as they appear in its URLs.
struct Params(Vec<(String, String)>);

impl Params {
    fn from(query: &HashMap<String, String>) -> Self {
        let mut list: Vec<(String, String)> =
            ["q", "linh_vuc", "cap", "truc_tuyen", "kenh", "co_quan"]
                .iter()
                .filter_map(|k| query.get(*k).map(|v| (k.to_string(), v.trim().to_string())))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k, v.chars().take(200).collect()))
                .collect();
        list.sort();
        Self(list)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The URL with `key` set to `value` (or removed), paging reset unless given.
    fn href(&self, key: &str, value: Option<&str>) -> String {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            if k != key {
                serializer.append_pair(k, v);
            }
        }
        if let Some(value) = value {
            serializer.append_pair(key, value);
        }
        let query = serializer.finish();
        if query.is_empty() {
            "/thu-tuc".to_string()
        } else {
            format!("/thu-tuc?{query}")
        }
    }
}

fn facet_values(facets: &motcua_search::Facets, dimension: Dimension) -> &[FacetCount] {
    match dimension {
        Dimension::Field => &facets.field,
        Dimension::Level => &facets.level,
        Dimension::Online => &facets.online,
        Dimension::Channel => &facets.channel,
        Dimension::Agency => &facets.agency,
    }
}

/// `GET /thu-tuc`: the catalog home without a query, the results with one.
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Html<String>, AppError> {
    let params = Params::from(&query);
    let page: usize = query
        .get("trang")
        .and_then(|p| p.parse().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(1);
    let snapshot = state.catalog().current();
    let text = params.get("q").unwrap_or("").to_string();
    let searching = !params.0.is_empty();
    let search = SearchQuery {
        text: text.clone(),
        field: params.get("linh_vuc").map(str::to_string),
        level: params.get("cap").map(str::to_string),
        channel: params.get("kenh").map(str::to_string),
        online: params.get("truc_tuyen").map(str::to_string),
        agency: params.get("co_quan").map(str::to_string),
        page,
        per_page: 20,
    };
    let mut results = snapshot.index.search(&search).map_err(internal)?;
    let mut page = page;
    if results.hits.is_empty() && results.total > 0 {
        // A page past the end (an old link): show the first page.
        page = 1;
        results = snapshot
            .index
            .search(&SearchQuery { page, ..search })
            .map_err(internal)?;
    }
    let facets = FILTERS
        .iter()
        .map(|&(key, title, dimension)| FacetView {
            title,
            options: facet_values(&results.facets, dimension)
                .iter()
                .map(|f| {
                    let active = params.get(key) == Some(f.value.as_str());
                    FacetOption {
                        label: dimension.label(&f.value),
                        count: f.count,
                        href: params.href(key, if active { None } else { Some(&f.value) }),
                        active,
                    }
                })
                .collect(),
        })
        .filter(|f| !f.options.is_empty())
        .collect();
    let active = FILTERS
        .iter()
        .filter_map(|&(key, title, dimension)| {
            params.get(key).map(|v| ActiveFilter {
                label: format!("{title}: {}", dimension.label(v)),
                remove_href: params.href(key, None),
            })
        })
        .collect();
    let items = results
        .hits
        .iter()
        .filter_map(|hit| snapshot.get(&hit.code))
        .map(|entry| result_item(entry))
        .collect();
    let page_count = results.total.div_ceil(20).max(1);
    let pages = if page_count > 1 {
        (1..=page_count)
            .map(|n| PageLink {
                label: n.to_string(),
                href: {
                    let base = params.href("trang", None);
                    let separator = if base.contains('?') { '&' } else { '?' };
                    format!("{base}{separator}trang={n}")
                },
                current: n == page,
            })
            .collect()
    } else {
        Vec::new()
    };
    let all = snapshot
        .index
        .search(&SearchQuery {
            per_page: 1,
            ..SearchQuery::default()
        })
        .map_err(internal)?;
    let fields = all
        .facets
        .field
        .iter()
        .map(|f| FacetOption {
            label: f.value.clone(),
            count: f.count,
            href: params.href("linh_vuc", Some(&f.value)),
            active: false,
        })
        .collect();
    let procedure_count = snapshot.entries().len();
    let online_shares = [
        OnlineService::Full,
        OnlineService::Partial,
        OnlineService::None,
    ]
    .iter()
    .map(|kind| {
        let count = snapshot
            .entries()
            .iter()
            .filter(|e| e.online_service == *kind)
            .count();
        let percent = (count * 100 + procedure_count / 2)
            .checked_div(procedure_count)
            .unwrap_or(0);
        (kind.label().to_string(), count, percent)
    })
    .collect();
    let title = if searching {
        "Kết quả tìm thủ tục"
    } else {
        "Tìm thủ tục hành chính"
    };
    let page = SearchPage {
        layout: Layout::new(title),
        query: text,
        searching,
        total: results.total,
        results: items,
        facets,
        active,
        pages,
        fields,
        online_shares,
        procedure_count,
    };
    Ok(Html(page.render().map_err(internal)?))
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

fn online_class(kind: OnlineService) -> &'static str {
    match kind {
        OnlineService::Full => "badge badge-full",
        OnlineService::Partial => "badge badge-partial",
        OnlineService::None => "badge",
    }
}

fn levels(entry: &ProcedureEntry) -> String {
    entry
        .levels
        .iter()
        .map(|l| l.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn result_item(entry: &ProcedureEntry) -> ResultItem {
    let offer = entry
        .channel(SubmissionChannel::Online)
        .or(entry.channels.first());
    let time = offer
        .and_then(|o| o.processing_time)
        .map(|t| t.to_string())
        .unwrap_or_else(|| "Chưa có thông tin".into());
    ResultItem {
        name: short_name(&entry.name),
        href: format!("/thu-tuc/{}", entry.code),
        field: entry.field.clone(),
        levels: levels(entry),
        online: entry.online_service.label().to_string(),
        online_class: online_class(entry.online_service),
        time,
        cost: cost_summary(entry),
    }
}

/// "Miễn phí", the lowest amount to pay, or a pointer to the province's decision.
fn cost_summary(entry: &ProcedureEntry) -> String {
    let fees: Vec<_> = entry.channels.iter().flat_map(|c| &c.fees).collect();
    if fees.is_empty() {
        return "Chưa có thông tin".into();
    }
    let known: Vec<Dong> = fees.iter().filter_map(|f| f.amount).collect();
    let unknown = known.len() < fees.len();
    match (known.iter().filter(|a| **a > Dong::ZERO).min(), unknown) {
        (Some(min), _) => format!("Từ {min}"),
        (None, true) => "Theo mức của tỉnh".into(),
        (None, false) => "Miễn phí".into(),
    }
}

struct DocumentView {
    name: String,
    copies: String,
    show_only: bool,
    condition: Option<String>,
    optional: bool,
    template: Option<String>,
}

struct FeeView {
    label: String,
    amount: String,
    online: Option<String>,
}

struct ChannelView {
    label: &'static str,
    time: String,
    time_demo: bool,
    fees: Vec<FeeView>,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "catalog/procedure.html")]
struct ProcedurePage<'a> {
    layout: Layout,
    entry: &'a ProcedureEntry,
    short_name: String,
    levels: String,
    online: &'static str,
    online_class: &'static str,
    online_demo: bool,
    /// Filed online here: the start button is shown.
    can_file: bool,
    documents: Vec<DocumentView>,
    channels: Vec<ChannelView>,
    cutoff: Option<String>,
    has_demo: bool,
    source: Option<String>,
}

/// `GET /thu-tuc/{code}`: one procedure, its guide first.
pub async fn procedure(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let snapshot = state.catalog().current();
    let entry = snapshot.get(&code).ok_or(AppError::NotFound)?;
    let documents = entry
        .documents
        .iter()
        .map(|d| DocumentView {
            name: d.name.clone(),
            copies: match (d.originals, d.copies) {
                (0, 0) => String::new(),
                (o, 0) => format!("{o} bản chính"),
                (0, c) => format!("{c} bản sao"),
                (o, c) => format!("{o} bản chính, {c} bản sao"),
            },
            show_only: d.presentation == Presentation::Show,
            condition: d.condition.clone().filter(|c| !c.trim().is_empty()),
            optional: d.requirement == Requirement::Optional,
            template: d.template.clone(),
        })
        .collect();
    let channels = entry
        .channels
        .iter()
        .enumerate()
        .map(|(i, offer)| ChannelView {
            label: offer.channel.label(),
            time: offer
                .processing_time
                .map(|t| t.to_string())
                .unwrap_or_else(|| "Chưa có thông tin".into()),
            time_demo: entry.is_demo(&format!("channels[{i}].processing_time")),
            fees: offer
                .fees
                .iter()
                .map(|f| FeeView {
                    label: f.label.clone(),
                    amount: match f.amount {
                        Some(a) if a == Dong::ZERO => "Miễn phí".into(),
                        Some(a) => a.to_string(),
                        None => "Chưa có số tiền (theo quy định)".into(),
                    },
                    online: f.online_amount.map(|a| a.to_string()),
                })
                .collect(),
            note: offer.note.clone(),
        })
        .collect();
    let source = entry.source.as_ref().map(|s| {
        let mut parts = vec!["Cơ sở dữ liệu quốc gia về thủ tục hành chính".to_string()];
        if let Some(decision) = &s.publishing_decision {
            parts.push(format!("quyết định công bố số {decision}"));
        }
        parts.join(", ")
    });
    let page = ProcedurePage {
        layout: Layout::new(&short_name(&entry.name)),
        entry,
        short_name: short_name(&entry.name),
        levels: levels(entry),
        online: entry.online_service.label(),
        online_class: online_class(entry.online_service),
        online_demo: entry.is_demo("online_service"),
        can_file: super::submission::online(entry),
        documents,
        channels,
        cutoff: entry.same_day_cutoff.map(|t| t.format("%H:%M").to_string()),
        has_demo: !entry.demo_values.is_empty(),
        source,
    };
    Ok(Html(page.render().map_err(internal)?))
}

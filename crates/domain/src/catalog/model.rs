//! Catalog types, one to one with the JSON format.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::deadline::{Allowance, ProcessingTime};
use crate::money::Dong;

/// The format tag of catalog files.
pub const CATALOG_FORMAT: &str = "motcua-catalog/1";

/// A whole catalog file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub format: String,
    pub procedures: Vec<ProcedureEntry>,
}

/// Levels of government that implement a procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ministry,
    Province,
    Commune,
}

impl Level {
    /// The stable name used in storage, URLs and the API.
    ///
    /// ```
    /// assert_eq!(motcua_domain::catalog::Level::Commune.as_str(), "commune");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ministry => "ministry",
            Level::Province => "province",
            Level::Commune => "commune",
        }
    }

    /// The Vietnamese label.
    ///
    /// ```
    /// assert_eq!(motcua_domain::catalog::Level::Province.label(), "Cấp tỉnh");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Level::Ministry => "Cấp bộ",
            Level::Province => "Cấp tỉnh",
            Level::Commune => "Cấp xã",
        }
    }
}

/// How much of a procedure can be done online (Decree 42/2022/NĐ-CP art. 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineService {
    /// Toàn trình: every step online, the result returned electronically.
    Full,
    /// Một phần: some steps need the applicant in person.
    Partial,
    None,
}

impl OnlineService {
    /// The stable name used in storage, URLs and the API.
    ///
    /// ```
    /// assert_eq!(motcua_domain::catalog::OnlineService::Full.as_str(), "full");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineService::Full => "full",
            OnlineService::Partial => "partial",
            OnlineService::None => "none",
        }
    }

    /// The Vietnamese label.
    ///
    /// ```
    /// assert_eq!(motcua_domain::catalog::OnlineService::Partial.label(), "Trực tuyến một phần");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            OnlineService::Full => "Trực tuyến toàn trình",
            OnlineService::Partial => "Trực tuyến một phần",
            OnlineService::None => "Chưa cung cấp trực tuyến",
        }
    }
}

/// Ways a procedure accepts dossiers, as published in the catalog. A filed dossier's
/// [`crate::dossier::Channel`] says more (assisted, inter-agency); both online kinds use
/// the `Online` offer and a counter dossier the `InPerson` one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionChannel {
    Online,
    Post,
    InPerson,
}

impl SubmissionChannel {
    /// The stable name used in storage, URLs and the API.
    ///
    /// ```
    /// assert_eq!(motcua_domain::catalog::SubmissionChannel::InPerson.as_str(), "in_person");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionChannel::Online => "online",
            SubmissionChannel::Post => "post",
            SubmissionChannel::InPerson => "in_person",
        }
    }

    /// The Vietnamese label.
    ///
    /// ```
    /// assert_eq!(motcua_domain::catalog::SubmissionChannel::Post.label(), "Qua bưu chính");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            SubmissionChannel::Online => "Trực tuyến",
            SubmissionChannel::Post => "Qua bưu chính",
            SubmissionChannel::InPerson => "Trực tiếp",
        }
    }
}

/// One published fee or charge item. Unlike [`crate::money::FeeItem`] (a priced item
/// to pay), the amount may be unknown: many fees are set by each provincial People's
/// Council and the national catalog names no number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedFee {
    pub label: String,
    /// `None` when the source names no amount.
    pub amount: Option<Dong>,
    /// The price for online submission, where it differs.
    #[serde(default)]
    pub online_amount: Option<Dong>,
}

/// Time and fees for one way of submitting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelOffer {
    pub channel: SubmissionChannel,
    /// The statutory time, e.g. `{"unit": "working_days", "amount": 5}`.
    pub processing_time: Option<Allowance>,
    #[serde(default)]
    pub fees: Vec<PublishedFee>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Whether a document must always be handed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Required,
    Optional,
    Conditional,
}

/// Whether a document is handed in or only shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presentation {
    Submit,
    Show,
}

/// A document of the dossier (thành phần hồ sơ).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub requirement: Requirement,
    #[serde(default)]
    pub condition: Option<String>,
    pub presentation: Presentation,
    #[serde(default)]
    pub template: Option<String>,
}

/// The short guide written for citizens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub summary: String,
    pub prepare: Vec<String>,
    pub submit: Vec<String>,
    pub cost: String,
    pub duration: String,
    pub after: Vec<String>,
}

/// Where an entry comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: Option<String>,
    pub publishing_decision: Option<String>,
    pub note: Option<String>,
}

/// One procedure of the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureEntry {
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<Level>,
    pub agencies: Vec<String>,
    #[serde(default)]
    pub target_group: Option<String>,
    pub online_service: OnlineService,
    pub channels: Vec<ChannelOffer>,
    /// Received after this time of day: counted from the next working day.
    #[serde(default, with = "crate::serde_formats::option_time")]
    pub same_day_cutoff: Option<NaiveTime>,
    #[serde(default)]
    pub fee_note: Option<String>,
    #[serde(default)]
    pub documents: Vec<Document>,
    pub result: String,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub steps: Vec<String>,
    pub guide: Guide,
    #[serde(default)]
    pub demo_values: Vec<String>,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub form: Option<serde_json::Value>,
    #[serde(default)]
    pub workflow: Option<serde_json::Value>,
}

impl ProcedureEntry {
    /// The levels it is carried out at, by their stored names (`province`, …).
    pub fn level_names(&self) -> Vec<String> {
        self.levels.iter().map(|l| l.as_str().to_string()).collect()
    }

    /// The offer for a channel, if the procedure accepts it.
    pub fn channel(&self, channel: SubmissionChannel) -> Option<&ChannelOffer> {
        self.channels.iter().find(|c| c.channel == channel)
    }

    /// The processing time of a channel, with the procedure's same-day cut-off, ready
    /// for [`crate::calendar::WorkingCalendar::due`].
    pub fn processing_time(&self, channel: SubmissionChannel) -> Option<ProcessingTime> {
        let allowance = self.channel(channel)?.processing_time?;
        Some(ProcessingTime {
            allowance,
            same_day_cutoff: self.same_day_cutoff,
        })
    }

    /// True when the value at `path` (e.g. `channels[0].processing_time`) is, lies
    /// inside, or contains a demo value rather than official data.
    ///
    /// ```
    /// # let mut entry: motcua_domain::catalog::ProcedureEntry = serde_json::from_str(r#"{"code":"1.1","name":"N","field":"F",
    /// #  "levels":["commune"],"agencies":["A"],"online_service":"full","channels":[{"channel":"online","processing_time":null}],
    /// #  "result":"R","guide":{"summary":"s","prepare":[],"submit":[],"cost":"c","duration":"d","after":[]}}"#).unwrap();
    /// entry.demo_values = vec!["channels[0].processing_time.unit".into()];
    /// assert!(entry.is_demo("channels[0].processing_time.unit"));
    /// assert!(entry.is_demo("channels[0].processing_time"));
    /// assert!(!entry.is_demo("channels[0].fees"));
    /// assert!(!entry.is_demo("channels[1]"));
    /// ```
    pub fn is_demo(&self, path: &str) -> bool {
        let within = |inner: &str, outer: &str| {
            inner == outer
                || inner
                    .strip_prefix(outer)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        };
        self.demo_values
            .iter()
            .any(|demo| within(path, demo) || within(demo, path))
    }
}

//! The dossier (hồ sơ) and its one-stop process: the states a dossier goes through, who
//! may move it, and the state machine in [`DossierFlow`].
//!
//! The process is that of Decree 118/2025/NĐ-CP on the one-stop mechanism (in force from
//! 1 July 2025, replacing Decrees 61/2018 and 107/2021) and the forms of Circular
//! 03/2025/TT-VPCP: the reception desk (Bộ phận Tiếp nhận và Trả kết quả) checks and
//! receives a dossier or asks for supplementation (form 02) or refuses it (form 03),
//! the processing unit handles it, a leader approves, the desk returns the result; the
//! applicant may ask to stop processing (form 05).
//!
//! Every name has a stable snake_case form ([`DossierState::as_str`] and friends), which
//! the store persists as text, and a Vietnamese label for people.

mod flow;
mod rules;
mod workflow;

use std::fmt;
use std::str::FromStr;

pub use flow::{Command, DossierEvent, DossierFlow, EventData, TransitionError};
pub use workflow::{WORKING_DAY_HOURS, Workflow, WorkflowProblem, WorkflowStep, workflow_hours};

/// A name that is not one of the known stable names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Giá trị không hợp lệ cho {kind}: {name}")]
pub struct UnknownName {
    /// What was being parsed, in Vietnamese.
    pub kind: &'static str,
    /// The text that did not match.
    pub name: String,
}

/// Declares an enum whose variants have a stable snake_case name and a Vietnamese label,
/// with `ALL`, `as_str`, `label`, `FromStr`, `Display` (the label) and serde (the name).
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal, $example:ident => $example_text:literal {
            $($(#[$variant_meta:meta])* $variant:ident => $text:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[Self] = &[$(Self::$variant,)+];

            /// The stable name, as stored and sent in the API.
            ///
            /// ```
            #[doc = concat!("use motcua_domain::dossier::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($name), "::", stringify!($example), ".as_str(), \"", $example_text, "\");")]
            #[doc = concat!("assert_eq!(\"", $example_text, "\".parse(), Ok(", stringify!($name), "::", stringify!($example), "));")]
            /// ```
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The Vietnamese label, also what `Display` prints.
            ///
            /// ```
            #[doc = concat!("use motcua_domain::dossier::", stringify!($name), ";")]
            ///
            #[doc = concat!("let value = ", stringify!($name), "::", stringify!($example), ";")]
            /// assert_eq!(value.to_string(), value.label());
            /// ```
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| UnknownName { kind: $kind, name: text.to_owned() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        /// From the stored name (how the store decodes a column).
        impl TryFrom<String> for $name {
            type Error = UnknownName;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        /// Equal to its stored name.
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

named_enum! {
    /// Where a dossier is in the one-stop process.
    DossierState, "trạng thái hồ sơ", InProcessing => "in_processing" {
        /// Being written by the applicant (or by an official on their behalf).
        Draft => "draft", "Bản nháp";
        /// Sent, waiting for the reception desk to check it.
        Submitted => "submitted", "Đã nộp, chờ tiếp nhận";
        /// Waiting for the applicant to supply missing documents (form 02).
        AwaitingSupplementation => "awaiting_supplementation", "Chờ bổ sung hồ sơ";
        /// Waiting for the applicant to pay the fees.
        AwaitingPayment => "awaiting_payment", "Chờ thanh toán phí, lệ phí";
        /// Received (form 01 issued): the deadline clock runs.
        Received => "received", "Đã tiếp nhận";
        /// Being processed by the competent unit.
        InProcessing => "in_processing", "Đang xử lý";
        /// Processing suspended while the applicant does something (the clock stops).
        Paused => "paused", "Tạm dừng xử lý";
        /// A draft result awaits a leader's decision.
        AwaitingApproval => "awaiting_approval", "Chờ phê duyệt";
        /// The result is ready at the desk or to be sent.
        ResultReady => "result_ready", "Đã có kết quả, chờ trả";
        /// The result was handed over. Final.
        Returned => "returned", "Đã trả kết quả";
        /// Refused, with reasons (form 03 before receipt, a reasoned refusal after). Final.
        Refused => "refused", "Bị từ chối";
        /// Processing stopped at the applicant's request (form 05). Final.
        Stopped => "stopped", "Dừng xử lý theo yêu cầu";
        /// Withdrawn by the applicant before receipt. Final.
        Withdrawn => "withdrawn", "Đã rút hồ sơ";
    }
}

impl DossierState {
    /// Whether no transition leaves the state.
    ///
    /// ```
    /// use motcua_domain::dossier::DossierState;
    ///
    /// assert!(DossierState::Returned.is_final());
    /// assert!(!DossierState::Paused.is_final());
    /// ```
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Returned | Self::Refused | Self::Stopped | Self::Withdrawn
        )
    }

    /// Whether the applicant must act for the dossier to move on; "My dossiers" lists
    /// these first and notifies the applicant on entering them.
    ///
    /// ```
    /// use motcua_domain::dossier::DossierState;
    ///
    /// assert!(DossierState::AwaitingSupplementation.needs_applicant());
    /// assert!(!DossierState::InProcessing.needs_applicant());
    /// ```
    pub fn needs_applicant(self) -> bool {
        matches!(
            self,
            Self::Draft | Self::AwaitingSupplementation | Self::AwaitingPayment
        )
    }
}

named_enum! {
    /// Who acts on a dossier.
    Role, "vai trò", ReceptionDesk => "reception_desk" {
        /// The citizen or organisation that applies (or its representative).
        Applicant => "applicant", "Người nộp hồ sơ";
        /// An official of the reception and result-return desk (one-stop).
        ReceptionDesk => "reception_desk", "Bộ phận Tiếp nhận và Trả kết quả";
        /// An official of the processing unit.
        Specialist => "specialist", "Chuyên viên xử lý";
        /// A leader who approves and signs.
        Leader => "leader", "Lãnh đạo phê duyệt";
        /// motcua itself (payment confirmations, automatic routing, electronic results).
        System => "system", "Hệ thống";
    }
}

named_enum! {
    /// What is done to a dossier; each transition has one.
    Action, "thao tác", RequestSupplement => "request_supplement" {
        /// Send a draft.
        Submit => "submit", "Nộp hồ sơ";
        /// Withdraw before receipt.
        Withdraw => "withdraw", "Rút hồ sơ";
        /// Ask for missing documents (form 02).
        RequestSupplement => "request_supplement", "Yêu cầu bổ sung hồ sơ";
        /// Supply the missing documents.
        Supplement => "supplement", "Bổ sung hồ sơ";
        /// Ask for the fees.
        RequestPayment => "request_payment", "Yêu cầu thanh toán phí, lệ phí";
        /// Record that the fees were paid; this receives the dossier.
        ConfirmPayment => "confirm_payment", "Xác nhận đã thanh toán";
        /// Receive the dossier (form 01): the clock starts.
        Receive => "receive", "Tiếp nhận hồ sơ";
        /// Refuse, with reasons.
        Refuse => "refuse", "Từ chối hồ sơ";
        /// Hand the dossier to the processing unit.
        StartProcessing => "start_processing", "Chuyển xử lý";
        /// Suspend processing while the applicant acts.
        Pause => "pause", "Tạm dừng xử lý";
        /// Resume processing.
        Resume => "resume", "Tiếp tục xử lý";
        /// Submit a draft result to a leader.
        SubmitForApproval => "submit_for_approval", "Trình phê duyệt";
        /// Approve the result.
        Approve => "approve", "Phê duyệt kết quả";
        /// Send the draft result back for rework.
        SendBack => "send_back", "Trả lại để xử lý lại";
        /// Hand over the result.
        ReturnResult => "return_result", "Trả kết quả";
        /// Stop processing at the applicant's request (form 05).
        Stop => "stop", "Dừng xử lý theo yêu cầu";
    }
}

named_enum! {
    /// How a result reaches the applicant.
    ReturnChannel, "hình thức trả kết quả", Post => "post" {
        /// At the reception desk.
        Counter => "counter", "Trực tiếp tại Bộ phận Một cửa";
        /// By the public postal service (Decision 45/2016/QĐ-TTg).
        Post => "post", "Qua dịch vụ bưu chính công ích";
        /// Electronically, in the applicant's account.
        Electronic => "electronic", "Trực tuyến";
    }
}

named_enum! {
    /// How a dossier was filed.
    Channel, "kênh nộp hồ sơ", Assisted => "assisted" {
        /// Online by the applicant.
        Online => "online", "Trực tuyến";
        /// At the counter.
        Counter => "counter", "Trực tiếp";
        /// By post.
        Post => "post", "Qua bưu chính";
        /// Online, by an official or volunteer on the applicant's behalf.
        Assisted => "assisted", "Trực tuyến có hỗ trợ";
        /// Between state agencies.
        InterAgency => "inter_agency", "Liên thông giữa cơ quan";
    }
}

impl Channel {
    /// Whether the dossier was filed online (by the applicant or with assistance), which
    /// entitles it to online prices and priority.
    ///
    /// ```
    /// use motcua_domain::dossier::Channel;
    ///
    /// assert!(Channel::Assisted.is_online());
    /// assert!(!Channel::Counter.is_online());
    /// ```
    pub fn is_online(self) -> bool {
        matches!(self, Self::Online | Self::Assisted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_names_agree_with_serde_and_parse_back() {
        fn check<T>(all: &[T], as_str: fn(T) -> &'static str)
        where
            T: Copy + PartialEq + fmt::Debug + FromStr + serde::Serialize,
            <T as FromStr>::Err: fmt::Debug,
        {
            for &value in all {
                let json = serde_json::to_string(&value).unwrap();
                assert_eq!(json, format!("\"{}\"", as_str(value)));
                assert_eq!(as_str(value).parse::<T>().unwrap(), value);
            }
        }
        check(DossierState::ALL, DossierState::as_str);
        check(Role::ALL, Role::as_str);
        check(Action::ALL, Action::as_str);
        check(ReturnChannel::ALL, ReturnChannel::as_str);
        check(Channel::ALL, Channel::as_str);
        assert_eq!(DossierState::ALL.len(), 13);
        let error = "closed".parse::<DossierState>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "Giá trị không hợp lệ cho trạng thái hồ sơ: closed"
        );
    }
}

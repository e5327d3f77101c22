//! A procedure's workflow at an agency: the ordered steps a received dossier goes
//! through (specialists, then leaders, then the desk that returns the result), each with
//! its share of the legal processing time.
//!
//! Shares are counted in hours of the procedure's own time: working hours (a working
//! day is 8 of them, "within the day" is 8) for working-time allowances, calendar hours
//! for calendar-day allowances. They must add up to the legal total, so that a dossier
//! whose every step keeps its share is returned on time.
//!
//! In JSON: `{"steps": [{"name": "Thụ lý", "role": "specialist", "hours": 16}, …]}`.

use serde::{Deserialize, Serialize};

use super::Role;
use crate::deadline::Allowance;

/// Hours in a working day, for the shares of working-day allowances.
pub const WORKING_DAY_HOURS: u32 = 8;

/// One step of a workflow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    /// What is done, e.g. "Thẩm định hồ sơ".
    pub name: String,
    /// Who does it: `specialist`, `leader` or `reception_desk`.
    pub role: Role,
    /// Its share of the processing time, in hours (see the module documentation).
    pub hours: u32,
}

/// The ordered steps of a procedure at an agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    pub steps: Vec<WorkflowStep>,
}

/// One problem of a workflow definition, in Vietnamese, with the step it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowProblem {
    /// The step (0-based), or none for the whole workflow.
    pub step: Option<usize>,
    pub message: String,
}

/// The total of a procedure's processing time in workflow hours.
///
/// ```
/// use motcua_domain::deadline::Allowance;
/// use motcua_domain::dossier::workflow_hours;
///
/// assert_eq!(workflow_hours(Allowance::WorkingDays(3)), 24);
/// assert_eq!(workflow_hours(Allowance::CalendarDays(2)), 48);
/// assert_eq!(workflow_hours(Allowance::SameDay), 8);
/// ```
pub fn workflow_hours(allowance: Allowance) -> u32 {
    match allowance {
        Allowance::WorkingDays(days) => days * WORKING_DAY_HOURS,
        Allowance::WorkingHours(hours) => hours,
        Allowance::CalendarDays(days) => days * 24,
        Allowance::SameDay => WORKING_DAY_HOURS,
    }
}

impl Workflow {
    /// The usual workflow for a processing time: a specialist handles the dossier, a
    /// leader approves, the desk returns the result; the leader and the desk each get an
    /// eighth of the time (at least an hour), the specialist the rest.
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::Workflow;
    ///
    /// let flow = Workflow::standard(Allowance::WorkingDays(3));
    /// let hours: Vec<u32> = flow.steps.iter().map(|s| s.hours).collect();
    /// assert_eq!(hours, [18, 3, 3]);
    /// assert!(flow.check(Allowance::WorkingDays(3)).is_empty());
    /// ```
    pub fn standard(allowance: Allowance) -> Self {
        let total = workflow_hours(allowance);
        let share = (total / 8).max(1);
        let (leader, desk) = if total >= 3 { (share, share) } else { (0, 0) };
        let step = |name: &str, role, hours| WorkflowStep {
            name: name.into(),
            role,
            hours,
        };
        Self {
            steps: vec![
                step(
                    "Thẩm định, xử lý hồ sơ",
                    Role::Specialist,
                    total - leader - desk,
                ),
                step("Phê duyệt kết quả", Role::Leader, leader),
                step("Trả kết quả", Role::ReceptionDesk, desk),
            ],
        }
    }

    /// Every problem of the definition against the procedure's processing time (empty
    /// when it is valid): at least one specialist step, then at least one leader step,
    /// then exactly one desk step, last; named steps; shares adding up to the total.
    ///
    /// ```
    /// use motcua_domain::deadline::Allowance;
    /// use motcua_domain::dossier::Workflow;
    ///
    /// let mut flow = Workflow::standard(Allowance::WorkingDays(3));
    /// flow.steps[0].hours += 1;
    /// let problems = flow.check(Allowance::WorkingDays(3));
    /// assert_eq!(problems[0].message, "Tổng thời gian các bước là 25 giờ, phải bằng thời hạn giải quyết: 24 giờ");
    /// ```
    pub fn check(&self, allowance: Allowance) -> Vec<WorkflowProblem> {
        let mut problems = Vec::new();
        let mut problem =
            |step: Option<usize>, message: String| problems.push(WorkflowProblem { step, message });
        if self.steps.len() > 20 {
            problem(None, "Quy trình có nhiều nhất 20 bước".into());
        }
        for (i, step) in self.steps.iter().enumerate() {
            if step.name.trim().is_empty() {
                problem(Some(i), format!("Bước {} chưa có tên", i + 1));
            } else if step.name.chars().count() > 200 {
                problem(Some(i), format!("Tên bước {} dài quá 200 ký tự", i + 1));
            }
            if step.role == Role::Applicant || step.role == Role::System {
                problem(
                    Some(i),
                    format!(
                        "Bước {}: chỉ giao cho chuyên viên, lãnh đạo hoặc Bộ phận Một cửa",
                        i + 1
                    ),
                );
            }
        }
        let roles: Vec<Role> = self.steps.iter().map(|s| s.role).collect();
        let specialists = roles.iter().take_while(|&&r| r == Role::Specialist).count();
        let leaders = roles[specialists..]
            .iter()
            .take_while(|&&r| r == Role::Leader)
            .count();
        let ordered = specialists >= 1
            && leaders >= 1
            && roles.len() == specialists + leaders + 1
            && roles.last() == Some(&Role::ReceptionDesk);
        if !ordered {
            problem(
                None,
                "Quy trình phải gồm: một hoặc nhiều bước của chuyên viên, rồi một hoặc nhiều bước của lãnh đạo, rồi một bước trả kết quả của Bộ phận Một cửa".into(),
            );
        }
        let total: u32 = self.steps.iter().map(|s| s.hours).sum();
        let legal = workflow_hours(allowance);
        if total != legal {
            problem(
                None,
                format!(
                    "Tổng thời gian các bước là {total} giờ, phải bằng thời hạn giải quyết: {legal} giờ"
                ),
            );
        }
        problems
    }

    /// The index of the last specialist step (where a leader sends a dossier back).
    pub fn last_specialist_step(&self) -> usize {
        self.steps
            .iter()
            .rposition(|s| s.role == Role::Specialist)
            .unwrap_or(0)
    }

    /// The desk step that returns the result (the last one).
    pub fn return_step(&self) -> usize {
        self.steps.len().saturating_sub(1)
    }

    /// Hours of the steps before `step`: where that step's share starts.
    pub fn hours_before(&self, step: usize) -> u32 {
        self.steps.iter().take(step).map(|s| s.hours).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_names_are_checked() {
        let time = Allowance::WorkingDays(2);
        let mut flow = Workflow::standard(time);
        assert!(flow.check(time).is_empty());
        flow.steps.swap(0, 1);
        assert_eq!(flow.check(time).len(), 1);
        flow.steps.swap(0, 1);
        flow.steps[1].name = " ".into();
        assert_eq!(flow.check(time)[0].step, Some(1));
        let json = r#"{"steps":[{"name":"A","role":"specialist","hours":1},{"name":"B","role":"leader","hours":1},{"name":"C","role":"reception_desk","hours":1}]}"#;
        let flow: Workflow = serde_json::from_str(json).unwrap();
        assert!(flow.check(Allowance::WorkingHours(3)).is_empty());
        assert_eq!(flow.hours_before(2), 2);
        assert_eq!(flow.last_specialist_step(), 0);
    }

    #[test]
    fn short_allowances_still_have_a_valid_standard_workflow() {
        for hours in 1..5 {
            let time = Allowance::WorkingHours(hours);
            let flow = Workflow::standard(time);
            let total: u32 = flow.steps.iter().map(|s| s.hours).sum();
            assert_eq!(total, hours);
        }
    }
}

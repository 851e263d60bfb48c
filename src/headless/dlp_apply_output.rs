//! What `dlp apply` prints for a person: the plan (its summary line, the
//! budget, then every account: each field it changes, before → after, or
//! why it is skipped).

use crate::fleet::{
    AccountPlan, AccountPlanEntry, AccountStep, ApplyProgress, PlanAccount, RunCost,
};

use super::output::{Table, clean};

/// An account for people: its name, else its id.
pub fn account_name(account: &PlanAccount) -> String {
    if account.name.is_empty() {
        account.id.clone()
    } else {
        account.name.clone()
    }
}

/// What the plan does with an account, in words: `masking clear → full,
/// OCR off → on`, `skip: already so`.
pub fn step_words(entry: &AccountPlanEntry, plan: &AccountPlan) -> String {
    match &entry.step {
        AccountStep::Send { fields, .. } => {
            let fields: Vec<String> = fields.iter().map(|f| f.words()).collect();
            fields.join(", ")
        }
        AccountStep::Skip(skip) => format!("skip: {}", skip.words(&plan.change)),
    }
}

/// "Plan: masking full: 3 to change · 1 already so", the budget, then
/// every account.
pub fn plan_text(plan: &AccountPlan, cost: &RunCost) -> String {
    let mut text = format!(
        "Plan: {}: {}\n",
        clean(&plan.change.words()),
        clean(&plan.summary().to_string())
    );
    if cost.requests() > 0 {
        text.push_str(&format!("Budget: {cost}\n"));
    }
    let mut table = Table::new(&["ACCOUNT", "ID", "PLAN"]).cap(2, usize::MAX);
    for entry in &plan.entries {
        table.row(vec![
            account_name(&entry.account),
            entry.account.id.clone(),
            step_words(entry, plan),
        ]);
    }
    text.push_str(&table.render());
    text
}

/// The plan's lines before its table (for a preview on stderr).
pub fn summary_only(plan_text: &str) -> String {
    plan_text
        .lines()
        .take_while(|line| !line.starts_with("ACCOUNT"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "applying 120 of 500 accounts (2 failed) · 38 req/s · …".
pub fn progress_line(report: &ApplyProgress) -> String {
    super::fleet_apply_output::progress_line_of(report, "accounts")
}

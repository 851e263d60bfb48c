//! Reading journals back: one run in full (to resume or retry it), or every
//! run in brief (to list them and find an unfinished one at start). A
//! damaged line is skipped with a warning (a torn last line after a crash is
//! normal; a resume ends it, so it may sit in the middle later). A journal
//! that does not add up — a plan that disagrees with its header or its
//! digest, a line about a zone the plan does not name, a second run or plan
//! — has its faults listed, and is neither resumed nor retried.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::apply_event::RunState;
use super::journal::{
    JOURNAL_FORMAT, JournalError, Line, RunHeaderOf, RunId, RunsDir, is_held, plan_digest,
};
use super::run_target::{Accounts, RunTarget, TargetKind, Zones};
use crate::api::model::EmailState;
use crate::audit::Verdict;
use crate::files::read_regular_file;

/// The largest journal read: 100,000 zones take well under this.
const MAX_JOURNAL: u64 = 512 * 1024 * 1024;

/// A line of a journal that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalWarning {
    /// The journal.
    pub file: PathBuf,
    /// The line's number (1-based).
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
    /// True for the file's last line: a write torn by a crash.
    pub last: bool,
}

impl std::fmt::Display for JournalWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} line {}: {}; skipped",
            self.file.display(),
            self.line,
            self.problem
        )?;
        if self.last {
            f.write_str(" (a last line torn by a crash is normal)")?;
        }
        Ok(())
    }
}

/// Where a run stands, as its journal (and its lock) tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// A process holds it right now.
    Running,
    /// Nobody runs it and it has not finished: it can be resumed.
    Unfinished,
    /// Every zone has an outcome.
    Complete,
    /// Cancelled.
    Cancelled,
    /// Its plan never reached the disk in full: nothing was sent.
    NoPlan,
}

/// What a `sending` line kept of a write about to leave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentLine {
    /// The email state read before sending, when the line says.
    pub before: Option<EmailState>,
    /// The id of the write's audit intent, when the line says.
    pub audit: Option<String>,
    /// The outcome the audit log already has for that intent (a process
    /// killed after the reply, before its journal line), filled by a resume.
    pub audited: Option<Verdict>,
    /// The audit log, whole since the run began, has no such intent: the
    /// PATCH never left (its intent is on disk before it does). Filled by a
    /// resume.
    pub never_left: bool,
}

/// One run, read back in full.
#[derive(Debug, Clone)]
pub struct RunRecord<T: RunTarget = Zones> {
    /// Its first line.
    pub header: RunHeaderOf<T>,
    /// The plan, as written before the first request.
    pub plan: T::Plan,
    /// Whether the plan's `planned` line is there (and its count matched).
    pub plan_complete: bool,
    /// Each target's latest outcome.
    pub outcomes: HashMap<String, T::Result>,
    /// Zones whose request was sent without a recorded outcome, plan order.
    pub in_flight: Vec<String>,
    /// How many times each zone's PATCH was sent (its `sending` lines).
    pub sent: HashMap<String, u32>,
    /// Each zone's latest `sending` line: what a resume settles it from.
    pub last_sent: HashMap<String, SentLine>,
    /// How it finished, if it did.
    pub finished: Option<RunState>,
    /// The retry made from it, if one was.
    pub retried_by: Option<RunId>,
    /// When processes resumed it.
    pub resumed: Vec<u64>,
    /// The lines skipped.
    pub warnings: Vec<JournalWarning>,
    /// The lines that make the journal not add up (a plan that disagrees
    /// with its header or digest, a line about a zone the plan does not
    /// name): any one refuses a resume or a retry whole.
    pub faults: Vec<JournalWarning>,
    /// Whether a process holds it now.
    pub held: bool,
}

impl<T: RunTarget> RunRecord<T> {
    /// Where it stands.
    pub fn status(&self) -> RunStatus {
        if self.held {
            RunStatus::Running
        } else if !self.plan_complete {
            RunStatus::NoPlan
        } else {
            match &self.finished {
                Some(RunState::Complete) => RunStatus::Complete,
                Some(RunState::Cancelled) => RunStatus::Cancelled,
                Some(RunState::Stopped(_)) | None => RunStatus::Unfinished,
            }
        }
    }

    /// The plan with every recorded outcome.
    pub fn table(&self) -> T::Table {
        let mut table = T::table(self.plan.clone());
        for result in self.outcomes.values() {
            T::record(&mut table, result);
        }
        table
    }

    /// The run in brief.
    pub fn info(&self) -> RunInfoOf<T> {
        RunInfoOf {
            id: self.header.id.clone(),
            created_at: self.header.created_at,
            api: self.header.api.clone(),
            change: self.header.change.clone(),
            to_send: self.header.to_send,
            summary: T::summary(&self.table()),
            in_flight: self.in_flight.len(),
            status: self.status(),
            retry_of: self.header.retry_of.clone(),
            revert_of: self.header.revert_of.clone(),
            retried_by: self.retried_by.clone(),
            warnings: self.warnings.len(),
        }
    }
}

/// A zones run in brief, for a list.
pub type RunInfo = RunInfoOf<Zones>;

/// An accounts run in brief, for a list.
pub type AccountRunInfo = RunInfoOf<Accounts>;

/// A run in brief, for a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(bound = "")]
pub struct RunInfoOf<T: RunTarget> {
    /// The run.
    pub id: RunId,
    /// When its plan was written (seconds since the Unix epoch).
    pub created_at: u64,
    /// The API it ran against.
    pub api: String,
    /// The change (a typed email or a key is in it in full: print its
    /// `words`).
    pub change: T::Change,
    /// Zones to send the PATCH in the plan.
    pub to_send: usize,
    /// The outcome counts so far (`left` includes those in flight).
    pub summary: T::Summary,
    /// Zones in flight when the last process stopped.
    pub in_flight: usize,
    /// Where it stands.
    pub status: RunStatus,
    /// The run it retried, if it is a retry.
    pub retry_of: Option<RunId>,
    /// The run it reverted, if it is a revert.
    pub revert_of: Option<RunId>,
    /// The retry made from it, if one was.
    pub retried_by: Option<RunId>,
    /// Damaged lines skipped.
    pub warnings: usize,
}

impl RunsDir {
    /// Reads zones run `id` in full (an accounts run is refused: see
    /// [`RunsDir::load_as`]).
    pub fn load(&self, id: &RunId) -> Result<RunRecord, JournalError> {
        self.load_as::<Zones>(id)
    }

    /// Which kind of target run `id` writes to, from its first line.
    pub fn target_of(&self, id: &RunId) -> Result<TargetKind, JournalError> {
        use std::io::{BufRead, Read};
        #[derive(serde::Deserialize)]
        struct First {
            #[serde(default)]
            target: Option<TargetKind>,
        }
        let path = self.path(id);
        // Checked as a whole read is: never a FIFO or a device waited on.
        let file = match crate::files::open_regular_file(&path, MAX_JOURNAL) {
            Ok((file, _)) => file,
            Err(error) if error.is_not_found() => {
                return Err(JournalError::NoSuchRun(id.to_string()));
            }
            Err(error) => {
                return Err(JournalError::Read {
                    path,
                    detail: error.to_string(),
                });
            }
        };
        let mut first = String::new();
        std::io::BufReader::new(file)
            .take(64 * 1024)
            .read_line(&mut first)
            .map_err(|e| JournalError::Read {
                path: path.clone(),
                detail: e.to_string(),
            })?;
        match serde_json::from_str::<First>(&first) {
            Ok(line) => Ok(line.target.unwrap_or(TargetKind::Zones)),
            Err(_) => Err(JournalError::Read {
                path,
                detail: "its first line is not a run line".to_owned(),
            }),
        }
    }

    /// Reads run `id`, of targets `T`, in full.
    pub fn load_as<T: RunTarget>(&self, id: &RunId) -> Result<RunRecord<T>, JournalError> {
        if let Ok(kind) = self.target_of(id)
            && kind != T::KIND
        {
            return Err(JournalError::Incompatible {
                id: id.to_string(),
                why: format!("it is a run of {}, not of {}", kind.word(), T::KIND.word()),
            });
        }
        let path = self.path(id);
        let bytes = match read_regular_file(&path, MAX_JOURNAL) {
            Ok(file) => file.bytes,
            Err(error) if error.is_not_found() => {
                return Err(JournalError::NoSuchRun(id.to_string()));
            }
            Err(error) => {
                return Err(JournalError::Read {
                    path,
                    detail: error.to_string(),
                });
            }
        };
        let mut record = parse::<T>(&path, &bytes)?;
        // A copy under another name is not a second run of the same id.
        if record.header.id != *id {
            return Err(JournalError::Tampered {
                path,
                line: 1,
                problem: format!(
                    "is run {}, not the run its file name says ({id})",
                    record.header.id
                ),
            });
        }
        record.held = is_held(&path);
        Ok(record)
    }

    /// Every zones run in the folder, newest first, with the journals that
    /// could not be read (accounts runs are left to [`RunsDir::list_all`]).
    pub fn list(&self) -> (Vec<RunInfo>, Vec<JournalError>) {
        let (runs, errors) = self.list_all();
        let zones = runs
            .into_iter()
            .filter_map(|run| match run {
                AnyRunInfo::Zones(info) => Some(info),
                AnyRunInfo::Accounts(_) => None,
            })
            .collect();
        (zones, errors)
    }

    /// Every run in the folder, of either kind, newest first, with the
    /// journals that could not be read.
    pub fn list_all(&self) -> (Vec<AnyRunInfo>, Vec<JournalError>) {
        let mut runs = Vec::new();
        let mut errors = Vec::new();
        for id in self.ids() {
            let info = match self.target_of(&id) {
                Ok(TargetKind::Zones) => self.load(&id).map(|r| AnyRunInfo::Zones(r.info())),
                Ok(TargetKind::Accounts) => self
                    .load_as::<Accounts>(&id)
                    .map(|r| AnyRunInfo::Accounts(r.info())),
                Err(error) => Err(error),
            };
            match info {
                Ok(info) => runs.push(info),
                Err(error) => errors.push(error),
            }
        }
        (runs, errors)
    }

    /// The unfinished runs against `api` (as [`api_of`] spells it), newest
    /// first: what a start offers to resume. A journal whose last line says
    /// it finished is not read any further, so a folder of many large
    /// finished runs costs little.
    pub fn unfinished(&self, api: &str) -> Vec<RunInfo> {
        let mut ids = self.ids();
        ids.retain(|id| {
            !ends_finished(&self.path(id)) && matches!(self.target_of(id), Ok(TargetKind::Zones))
        });
        ids.into_iter()
            .filter_map(|id| self.load(&id).ok())
            .map(|record| record.info())
            .filter(|run| run.status == RunStatus::Unfinished && run.api == api)
            .collect()
    }

    /// The run ids of the folder's journals, newest first, by file name only
    /// (no journal is opened).
    pub fn ids(&self) -> Vec<RunId> {
        let mut ids: Vec<RunId> = match std::fs::read_dir(self.dir()) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .filter_map(|entry| {
                    let name = entry.file_name().into_string().ok()?;
                    RunId::parse(name.strip_suffix(".jsonl")?).ok()
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids
    }
}

/// A run of either kind in brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyRunInfo {
    /// A zones run.
    Zones(RunInfo),
    /// An accounts run.
    Accounts(AccountRunInfo),
}

/// An API root as a journal names it: `host[:port]/path`, never a secret.
pub fn api_of(base_url: &str) -> String {
    match url::Url::parse(base_url) {
        Ok(url) => {
            let host = url.host_str().unwrap_or_default();
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{host}{port}{}", url.path().trim_end_matches('/'))
        }
        Err(_) => String::new(),
    }
}

/// Whether the journal's last line is its `finished` line (read from the
/// file's last few kilobytes only).
pub(super) fn ends_finished(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let from = len.saturating_sub(4096);
    let mut tail = Vec::new();
    if file.seek(SeekFrom::Start(from)).is_err() || file.read_to_end(&mut tail).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&tail);
    let last = text.trim_end().rsplit('\n').next().unwrap_or_default();
    matches!(
        serde_json::from_str::<Line>(last),
        Ok(Line::Finished { .. })
    )
}

/// Reads a journal's lines into a record.
fn parse<T: RunTarget>(path: &Path, bytes: &[u8]) -> Result<RunRecord<T>, JournalError> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.split('\n').collect();
    let count = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    let mut warnings = Vec::new();
    let mut warn = |line: usize, problem: String| {
        warnings.push(JournalWarning {
            file: path.to_owned(),
            line,
            problem,
            last: line == count,
        });
    };
    let mut faults = Vec::new();
    let mut fault = |line: usize, problem: String| {
        faults.push(JournalWarning {
            file: path.to_owned(),
            line,
            problem,
            last: false,
        });
    };
    let mut header: Option<RunHeaderOf<T>> = None;
    let mut entries: Vec<T::Entry> = Vec::new();
    let mut planned = None;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut outcomes: HashMap<String, T::Result> = HashMap::new();
    let mut sent: HashMap<String, u32> = HashMap::new();
    let mut last_sent: HashMap<String, SentLine> = HashMap::new();
    let mut open: HashSet<String> = HashSet::new();
    let mut finished = None;
    let mut retried_by = None;
    let mut resumed = Vec::new();
    for (i, text) in lines.iter().take(count).enumerate() {
        let number = i + 1;
        if text.trim().is_empty() {
            continue;
        }
        let line = match serde_json::from_str::<Line<T>>(text) {
            Ok(line) => line,
            Err(error) => {
                warn(number, format!("not a journal line ({error})"));
                continue;
            }
        };
        match line {
            Line::Run(first) if header.is_none() && number == 1 => header = Some(first),
            Line::Run(_) => fault(number, "is a second run line".to_owned()),
            Line::Plan(entry) if planned.is_none() => {
                if !index.contains_key(T::entry_id(&entry)) {
                    index.insert(T::entry_id(&entry).to_owned(), entries.len());
                    entries.push(entry);
                } else {
                    fault(number, "plans a zone a second time".to_owned());
                }
            }
            Line::Planned { zones, digest } if planned.is_none() => {
                planned = Some((zones, digest, number));
            }
            Line::Plan(_) | Line::Planned { .. } => {
                fault(number, "is a plan line after the plan".to_owned());
            }
            Line::Sending { zone, .. } | Line::Outcome { zone, .. } | Line::Unsent { zone, .. }
                if !index.contains_key(&zone) =>
            {
                fault(number, "names a zone the plan does not".to_owned());
            }
            Line::Sending {
                zone,
                before,
                audit,
                ..
            } => {
                // Sent again after an outcome (never done, but be safe): the
                // zone is in flight once more.
                outcomes.remove(&zone);
                *sent.entry(zone.clone()).or_default() += 1;
                last_sent.insert(
                    zone.clone(),
                    SentLine {
                        before,
                        audit,
                        audited: None,
                        never_left: false,
                    },
                );
                open.insert(zone);
            }
            Line::Unsent { zone, .. } => {
                if open.remove(&zone)
                    && let Some(count) = sent.get_mut(&zone)
                {
                    *count = count.saturating_sub(1);
                }
            }
            Line::Outcome {
                zone,
                at,
                outcome,
                state,
            } => {
                open.remove(&zone);
                let Some(entry) = index.get(&zone).map(|&i| &entries[i]) else {
                    continue;
                };
                outcomes.insert(zone, T::result(entry, outcome, at, state));
            }
            Line::Resumed { at, .. } => resumed.push(at),
            Line::Retried { by, .. } => retried_by = Some(by),
            Line::Finished { state, .. } => finished = Some(state),
        }
    }
    let Some(header) = header else {
        return Err(JournalError::Read {
            path: path.to_owned(),
            detail: "its first line is not a run line".to_owned(),
        });
    };
    if header.format != JOURNAL_FORMAT {
        return Err(JournalError::Incompatible {
            id: header.id.to_string(),
            why: format!(
                "its journal has format {}, this trustdeck writes {JOURNAL_FORMAT}",
                header.format
            ),
        });
    }
    let plan_complete = planned.is_some();
    if let Some((zones, digest, line)) = planned {
        let sends = entries.iter().filter(|e| T::sends(e)).count();
        if zones != entries.len() {
            fault(
                line,
                format!("counts {zones} zones, but the plan has {}", entries.len()),
            );
        }
        if header.zones != entries.len() || header.to_send != sends {
            fault(
                1,
                format!(
                    "says {} zones, {} to send, but the plan has {}, {sends} to send",
                    header.zones,
                    header.to_send,
                    entries.len()
                ),
            );
        }
        match digest {
            Some(digest) if digest == plan_digest(&header, &entries) => {}
            Some(_) => fault(
                line,
                "carries a digest that does not match the plan: the change or the plan was edited"
                    .to_owned(),
            ),
            None => fault(
                line,
                "carries no digest of the plan (edited, or written by an older trustdeck)"
                    .to_owned(),
            ),
        }
    }
    let in_flight = entries
        .iter()
        .filter(|e| open.contains(T::entry_id(e)))
        .map(|e| T::entry_id(e).to_owned())
        .collect();
    Ok(RunRecord {
        plan: T::plan(header.change.clone(), entries),
        header,
        plan_complete,
        outcomes,
        in_flight,
        sent,
        last_sent,
        finished,
        retried_by,
        resumed,
        warnings,
        faults,
        held: false,
    })
}

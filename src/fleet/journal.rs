//! The journal of a bulk run: `runs/<run-id>.jsonl` in the state folder
//! (`$XDG_STATE_HOME/trustdeck/runs/`), 0600 in a 0700 folder, one JSON
//! object per line, so that a run killed at any moment can be resumed
//! without sending anything twice.
//!
//! ```text
//! {"kind":"run","format":1,"id":"20261201T222156206Z-d0064093","created_at":1796163716,
//!  "api":"127.0.0.1:41253/client/v4","change":{"kind":"enable_scanning"},"zones":4,
//!  "to_send":2,"retry_of":null}
//! {"kind":"plan","zone":{"id":"4771…","name":"globex-media.tv","account":{"id":"617c…",
//!  "name":"Globex Media"}},"step":"send","expect":"as_asked","state":{"scanning":"off",
//!  "email_state":"valid",…},"read_at":1796163715}
//! {"kind":"plan","zone":{…"name":"cdn.acme-corp.com"…},"step":"skip","reason":"locked",…}
//! {"kind":"planned","zones":4}
//! {"kind":"sending","zone":"4771…","at":1796163716}
//! {"kind":"outcome","zone":"4771…","at":1796163716,"outcome":{"result":"done",
//!  "outcome":{"adjusted":[],"notes":[],"messages":[]}},"state":{"scanning":"on",…}}
//! {"kind":"resumed","at":…,"pid":4242}
//! {"kind":"retried","by":"<run id>","at":…}
//! {"kind":"finished","at":1796163716,"state":{"state":"complete"}}
//! ```
//!
//! An accounts run (a DLP change, see [`super::Accounts`]) has the same
//! lines: its `run` line says `"target":"accounts"` right after `format`
//! and carries the [`super::DlpChange`]; its `plan` lines are
//! [`super::AccountPlanEntry`]s (each account's state and `read_at`); its
//! `sending`, `unsent` and `outcome` lines name the account by its id under
//! the same `zone` key (one format for both kinds), an outcome being an
//! [`super::AccountOutcome`] with the `DlpState` the answer showed. A `run`
//! line without `target` is a zones run: every journal written before
//! account runs, whose lines are the same bytes as they were.
//!
//! A set email, or a DLP payload-logging key, is kept in full in the `run`
//! line's change (a resumed run sends it); hidden characters in text are `\u` escapes (`doc::to_line`);
//! times are seconds since the Unix epoch (format 1 keeps them so: the
//! plan's digest covers them, and a journal of an older version must still
//! resume); a `finished` line is
//! written only for a run that is complete or cancelled, never for one that
//! stopped (it stays resumable).
//!
//! # The order that makes it safe
//! The plan (every `plan` line and the `planned` count) is on disk, fsync'd,
//! before the first request. Then, for each zone: its `sending` line is on
//! disk before its PATCH leaves, and its `outcome` line is written as soon
//! as the reply (or its loss) is known. Lines are committed in groups — one
//! `write` and one `fdatasync` for every line queued meanwhile — and a
//! request waits for the commit of its own `sending` line, which also
//! commits every line queued before it. So any outcome known before a
//! zone's request is queued is on disk before that request starts, and a
//! crash leaves every zone untouched (no `sending`), in flight (`sending`
//! without `outcome`: "unknown", read again on resume), or with its outcome.
//! The file is held with an exclusive `flock` while a process runs it, so
//! two processes never apply the same run.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::sync::oneshot;

use super::apply_event::RunState;
use super::run_target::{Accounts, RunTarget, TargetKind, Zones};
#[cfg(test)]
use super::{change::Change, plan::PlanEntry, zone_outcome::ZoneOutcome};
use crate::api::model::EmailState;
use crate::files::create_private_dir;

/// The journal format this version writes and resumes.
pub const JOURNAL_FORMAT: u32 = 1;

/// A run's id: its start time (UTC, to the millisecond) and 8 random hex
/// digits, e.g. `20250601T100000123Z-3f9c0a1b`: ids sort by time, and name
/// their journal file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RunId(String);

impl RunId {
    /// A new id, for a run starting now.
    pub fn new() -> Self {
        let now = OffsetDateTime::now_utc();
        let stamp = now
            .format(format_description!(
                "[year][month][day]T[hour][minute][second][subsecond digits:3]Z"
            ))
            .unwrap_or_else(|_| "00000000T000000000Z".to_owned());
        Self(format!("{stamp}-{:08x}", rand::random::<u32>()))
    }

    /// A run id as typed: 1..=32 of `[0-9A-Za-z_-]` (so never a path).
    pub fn parse(text: &str) -> Result<Self, JournalError> {
        let text = text.trim();
        let ok = !text.is_empty()
            && text.len() <= 32
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(JournalError::BadRunId)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for RunId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RunId {
    type Error = JournalError;

    fn try_from(text: String) -> Result<Self, JournalError> {
        Self::parse(&text)
    }
}

impl From<RunId> for String {
    fn from(id: RunId) -> Self {
        id.0
    }
}

/// Why a journal could not be written or read. Names files, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JournalError {
    /// The file or its folder could not be created, locked or written.
    #[error("the run's journal {} cannot be written: {detail}", path.display())]
    Write {
        /// The journal.
        path: PathBuf,
        /// The OS's reason.
        detail: String,
    },
    /// The file could not be read.
    #[error("the run's journal {} cannot be read: {detail}", path.display())]
    Read {
        /// The journal.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// No journal of that run.
    #[error("there is no run {0}")]
    NoSuchRun(String),
    /// Not a run id.
    #[error("a run id is 1 to 32 letters, digits, '-' or '_'")]
    BadRunId,
    /// The journal does not add up (edited, copied, or not this run's):
    /// nothing of it is resumed.
    #[error("the run's journal {} line {line} {problem}: it is not resumed, and nothing was sent", path.display())]
    Tampered {
        /// The journal.
        path: PathBuf,
        /// The line at fault (1-based; the file's first line when it is the
        /// whole file).
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// Another process is applying the run right now.
    #[error("run {0} is being applied by another trustdeck process")]
    Running(String),
    /// The run ended; nothing is left to resume.
    #[error("run {id} is {state}: there is nothing to resume")]
    Finished {
        /// The run.
        id: String,
        /// How it ended, in words.
        state: String,
    },
    /// The plan never reached the disk in full, so nothing was sent.
    #[error("run {0} has no complete plan: it never started, and nothing was sent")]
    NoPlan(String),
    /// Written by another version of trustdeck, or for another API.
    #[error("run {id} cannot be resumed here: {why}")]
    Incompatible {
        /// The run.
        id: String,
        /// What does not fit.
        why: String,
    },
    /// Resuming or retrying needs a journal folder, and none was given.
    #[error("this run keeps no journal, so it cannot be resumed or retried")]
    NoJournal,
    /// A retry of a run that has not finished: resume it first.
    #[error("run {0} has not finished: resume it (`trustdeck fleet resume {0}`) before retrying")]
    Unfinished(String),
    /// A finished run without a retryable failure.
    #[error("run {0} has no failure to retry")]
    NothingToRetry(String),
    /// A retry was already made from the run.
    #[error("run {id} was already retried, by run {by}: retry that one instead")]
    AlreadyRetried {
        /// The run.
        id: String,
        /// The retry.
        by: String,
    },
}

/// The first line: what the run is. An accounts run says so (`"target":
/// "accounts"`, after `format`); a zones run says nothing, as every journal
/// written before account runs, so its lines are the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "", into = "HeaderWire<T>", try_from = "HeaderWire<T>")]
pub struct RunHeaderOf<T: RunTarget> {
    /// [`JOURNAL_FORMAT`].
    pub format: u32,
    /// The run.
    pub id: RunId,
    /// When the plan was written (seconds since the Unix epoch).
    pub created_at: u64,
    /// The API it runs against, as `host[:port]/path` (never a secret): a
    /// run is only resumed against the same API.
    pub api: String,
    /// The change.
    pub change: T::Change,
    /// Targets (zones or accounts) in the plan.
    pub zones: usize,
    /// Of them, those sent the write.
    pub to_send: usize,
    /// The run this one retries the failures of, if it does.
    pub retry_of: Option<RunId>,
    /// The run this one reverts, if it does.
    pub revert_of: Option<RunId>,
}

/// The `run` line of a zones run.
pub type RunHeader = RunHeaderOf<Zones>;

/// The `run` line of an accounts run.
pub type AccountRunHeader = RunHeaderOf<Accounts>;

/// [`RunHeaderOf`] as it is stored.
#[derive(Clone, Serialize, Deserialize)]
#[serde(bound = "")]
struct HeaderWire<T: RunTarget> {
    format: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<TargetKind>,
    id: RunId,
    created_at: u64,
    api: String,
    change: T::Change,
    zones: usize,
    to_send: usize,
    #[serde(default)]
    retry_of: Option<RunId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revert_of: Option<RunId>,
}

impl<T: RunTarget> From<RunHeaderOf<T>> for HeaderWire<T> {
    fn from(h: RunHeaderOf<T>) -> Self {
        Self {
            format: h.format,
            target: (T::KIND != TargetKind::Zones).then_some(T::KIND),
            id: h.id,
            created_at: h.created_at,
            api: h.api,
            change: h.change,
            zones: h.zones,
            to_send: h.to_send,
            retry_of: h.retry_of,
            revert_of: h.revert_of,
        }
    }
}

impl<T: RunTarget> TryFrom<HeaderWire<T>> for RunHeaderOf<T> {
    type Error = String;

    fn try_from(w: HeaderWire<T>) -> Result<Self, String> {
        let target = w.target.unwrap_or(TargetKind::Zones);
        if target != T::KIND {
            return Err(format!(
                "a run of {}, not {}",
                target.word(),
                T::KIND.word()
            ));
        }
        Ok(Self {
            format: w.format,
            id: w.id,
            created_at: w.created_at,
            api: w.api,
            change: w.change,
            zones: w.zones,
            to_send: w.to_send,
            retry_of: w.retry_of,
            revert_of: w.revert_of,
        })
    }
}

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", bound = "")]
pub(crate) enum Line<T: RunTarget = Zones> {
    /// The first line.
    Run(RunHeaderOf<T>),
    /// One target of the plan.
    Plan(T::Entry),
    /// After the last `plan` line: the plan is complete.
    Planned {
        /// How many `plan` lines there are.
        zones: usize,
        /// [`plan_digest`] of the run line and the plan: a resume refuses a
        /// journal whose plan or change was edited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        digest: Option<String>,
    },
    /// The zone's PATCH is about to leave (on disk before it does).
    Sending {
        /// The zone id.
        zone: String,
        /// When (seconds since the Unix epoch).
        at: u64,
        /// The email state read before sending: a resume compares a re-read
        /// with it to tell whether an email PATCH landed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<EmailState>,
        /// The id of the write's audit intent (written right after this
        /// line): a resume records the settled outcome under it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        audit: Option<String>,
    },
    /// The zone's `sending` line before this one was not followed by its
    /// PATCH (its audit intent could not be written): it is left, as if
    /// never begun.
    Unsent {
        /// The zone id.
        zone: String,
        /// When (seconds since the Unix epoch).
        at: u64,
    },
    /// What became of the zone.
    Outcome {
        /// The zone id.
        zone: String,
        /// When it was known.
        at: u64,
        /// What.
        outcome: T::Outcome,
        /// The setting the run learned, when it did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<T::State>,
    },
    /// A process took the run over after an interruption.
    Resumed {
        /// When.
        at: u64,
        /// Its process id, for the admin reading the file.
        pid: u32,
    },
    /// A retry of this run's failures was started.
    Retried {
        /// The retry's run id.
        by: RunId,
        /// When.
        at: u64,
    },
    /// The run ended: nothing is left to resume.
    Finished {
        /// When.
        at: u64,
        /// How.
        state: RunState,
    },
}

impl<T: RunTarget> Line<T> {
    /// The line as written: hidden characters (a zone name with bidi
    /// controls, say) are `\u` escapes, so reading the file in a terminal is
    /// safe; a reader gets the same values back.
    fn bytes(&self) -> Vec<u8> {
        let mut bytes = crate::doc::to_line(self).into_bytes();
        bytes.push(b'\n');
        bytes
    }

    /// The line as [`plan_digest`] reads it: serde_json's own form, as every
    /// journal version wrote it, so the digest of a journal does not depend
    /// on how its lines escape text.
    fn digest_bytes(&self) -> Vec<u8> {
        // Every field is plain data: serializing cannot fail.
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// The folder of run journals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunsDir {
    /// Where the `<run-id>.jsonl` files are.
    dir: PathBuf,
}

impl RunsDir {
    /// `runs/` beside the log and the audit log, in `$XDG_STATE_HOME/trustdeck/`.
    pub fn default_location() -> Self {
        let log = crate::logging::log_path();
        let base = log.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::in_dir(base.join("runs"))
    }

    /// Journals in `dir` (created 0700 when the first run is written).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The journal of `id`.
    pub fn path(&self, id: &RunId) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }
}

/// What the writer thread is asked to do.
struct Request {
    /// One or more whole lines.
    bytes: Vec<u8>,
    /// Told once the lines are on disk (or why not), when someone waits.
    done: Option<oneshot::Sender<Result<(), String>>>,
    /// After this request the file is closed (and its lock released)
    /// before `done` is told.
    close: bool,
}

/// Appends a run's lines and commits them in groups, on a thread of its own
/// (a `fdatasync` blocks). Holds the file's lock until dropped; dropped, it
/// writes what was queued and closes the file.
#[derive(Debug)]
pub(crate) struct JournalWriter<T: RunTarget = Zones> {
    /// To the thread.
    requests: mpsc::Sender<Request>,
    /// The file, for errors.
    path: PathBuf,
    /// The kind of its lines.
    kind: PhantomData<fn() -> T>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request").finish_non_exhaustive()
    }
}

impl<T: RunTarget> JournalWriter<T> {
    /// Creates the journal of `header`'s run with its plan, on disk (file
    /// and folder entry fsync'd) before this returns. Blocking.
    pub(crate) fn create(
        runs: &RunsDir,
        header: &RunHeaderOf<T>,
        entries: &[T::Entry],
    ) -> Result<Self, JournalError> {
        let path = runs.path(&header.id);
        let failed = |e: io::Error| JournalError::Write {
            path: path.clone(),
            detail: e.to_string(),
        };
        create_private_dir(&runs.dir).map_err(failed)?;
        let mut options = OpenOptions::new();
        options.append(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(&path).map_err(failed)?;
        lock(&file, &path, &header.id)?;
        let mut bytes = Line::<T>::Run(header.clone()).bytes();
        for entry in entries {
            bytes.extend(Line::<T>::Plan(entry.clone()).bytes());
        }
        bytes.extend(
            Line::<T>::Planned {
                zones: entries.len(),
                digest: Some(plan_digest(header, entries)),
            }
            .bytes(),
        );
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(failed)?;
        #[cfg(unix)]
        File::open(&runs.dir)
            .and_then(|dir| dir.sync_all())
            .map_err(failed)?;
        Ok(Self::spawn(file, path))
    }

    /// Takes over the journal of a run to resume it: refused while another
    /// process holds it. Blocking.
    pub(crate) fn reopen_as(runs: &RunsDir, id: &RunId) -> Result<Self, JournalError> {
        let path = runs.path(id);
        let mut options = OpenOptions::new();
        options.read(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => JournalError::NoSuchRun(id.to_string()),
            _ => JournalError::Write {
                path: path.clone(),
                detail: e.to_string(),
            },
        })?;
        lock(&file, &path, id)?;
        end_torn_line(&mut file).map_err(|e| JournalError::Write {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        Ok(Self::spawn(file, path))
    }

    fn spawn(file: File, path: PathBuf) -> Self {
        let (requests, queue) = mpsc::channel::<Request>();
        thread::spawn(move || {
            // Once a write fails nothing more is written: a torn line stays
            // the last one, and every waiter hears why.
            let mut failed: Option<String> = None;
            let mut file = Some(file);
            while let Ok(first) = queue.recv() {
                let mut batch = vec![first];
                batch.extend(queue.try_iter());
                if let (None, Some(open)) = (&failed, file.as_mut()) {
                    let bytes: Vec<u8> =
                        batch.iter().flat_map(|r| r.bytes.iter().copied()).collect();
                    if let Err(error) = open.write_all(&bytes).and_then(|()| open.sync_data()) {
                        failed = Some(error.to_string());
                    }
                }
                let close = batch.iter().any(|r| r.close);
                if close {
                    // Unlocked before anyone hears the run is over, so a
                    // retry or a listing right after it finds it free.
                    file = None;
                }
                for request in batch {
                    if let Some(done) = request.done {
                        let _ = done.send(failed.clone().map_or(Ok(()), Err));
                    }
                }
                if close {
                    return;
                }
            }
        });
        Self {
            requests,
            path,
            kind: PhantomData,
        }
    }

    /// Writes `line` and resolves once it (and every line queued before it)
    /// is on disk.
    pub(crate) fn write(
        &self,
        line: &Line<T>,
    ) -> impl Future<Output = Result<(), JournalError>> + use<T> {
        self.commit(line.bytes(), false)
    }

    /// Writes what is queued, closes the file and releases its lock; every
    /// later line is refused.
    pub(crate) fn close(&self) -> impl Future<Output = Result<(), JournalError>> + use<T> {
        self.commit(Vec::new(), true)
    }

    fn commit(
        &self,
        bytes: Vec<u8>,
        close: bool,
    ) -> impl Future<Output = Result<(), JournalError>> + use<T> {
        let (done, committed) = oneshot::channel();
        let sent = self.requests.send(Request {
            bytes,
            done: Some(done),
            close,
        });
        let path = self.path.clone();
        async move {
            let failure = |detail: String| JournalError::Write { path, detail };
            if sent.is_err() {
                return Err(failure("the journal writer has stopped".to_owned()));
            }
            match committed.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(detail)) => Err(failure(detail)),
                Err(_) => Err(failure("the journal writer has stopped".to_owned())),
            }
        }
    }

    /// Queues `line`: on disk with the next commit (before any request
    /// whose `sending` line is queued after it).
    pub(crate) fn queue(&self, line: &Line<T>) {
        let _ = self.requests.send(Request {
            bytes: line.bytes(),
            done: None,
            close: false,
        });
    }

    /// The journal file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl JournalWriter<Zones> {
    /// [`JournalWriter::reopen_as`] of a zones run.
    #[cfg(test)]
    pub(crate) fn reopen(runs: &RunsDir, id: &RunId) -> Result<Self, JournalError> {
        Self::reopen_as(runs, id)
    }
}

/// SHA-256, in hex, of the run line and every plan line in serde_json's own
/// form: what the `planned` line carries, and a resume checks.
pub fn plan_digest<T: RunTarget>(header: &RunHeaderOf<T>, entries: &[T::Entry]) -> String {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    context.update(&Line::<T>::Run(header.clone()).digest_bytes());
    for entry in entries {
        context.update(&Line::<T>::Plan(entry.clone()).digest_bytes());
    }
    context
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A crash may have left half a line at the end: a line appended now must
/// not be glued to it, so the torn one is ended first (and stays damaged).
fn end_torn_line(file: &mut File) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let mut reader = file.try_clone()?;
    reader.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    reader.read_exact(&mut last)?;
    if last[0] != b'\n' {
        file.write_all(b"\n")?;
        file.sync_data()?;
    }
    Ok(())
}

fn lock(file: &File, path: &Path, id: &RunId) -> Result<(), JournalError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(JournalError::Running(id.to_string())),
        Err(std::fs::TryLockError::Error(error)) => Err(JournalError::Write {
            path: path.to_owned(),
            detail: format!("cannot lock it: {error}"),
        }),
    }
}

/// True while another process (or another run of this one) holds the
/// journal at `path`.
pub(crate) fn is_held(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    matches!(
        file.try_lock_shared(),
        Err(std::fs::TryLockError::WouldBlock)
    )
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;

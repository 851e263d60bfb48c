use std::collections::BTreeMap;

use super::*;
use crate::fleet::Zones;
use crate::fleet::journal_read::RunStatus;
use crate::fleet::plan::{Expect, PlanZone, Skip, Step};
use crate::fleet::row::{CsamState, Lock, Scanning};
use crate::fleet::zone_outcome::UnknownCause;
use crate::outcome::SaveOutcome;

fn entry(id: &str, step: Step) -> PlanEntry {
    PlanEntry {
        zone: PlanZone {
            id: id.into(),
            name: format!("{id}.example"),
            account: None,
        },
        step,
        state: Some(CsamState {
            scanning: Scanning::Off,
            email_state: None,
            sources_on: 0,
            sources_total: 0,
            lock: Lock::Editable,
            sources: BTreeMap::new().into(),
            has_email: None,
            email: None,
        }),
        read_at: 5,
    }
}

fn send() -> Step {
    Step::Send {
        expect: Expect::AsAsked,
    }
}

fn header(zones: usize) -> RunHeader {
    RunHeader {
        format: JOURNAL_FORMAT,
        id: RunId::new(),
        created_at: 1,
        api: "127.0.0.1:1/client/v4".into(),
        change: Change::EnableScanning,
        zones,
        to_send: zones,
        retry_of: None,
        revert_of: None,
    }
}

#[test]
fn run_ids_sort_by_time_and_are_never_paths() {
    let first = RunId::new();
    std::thread::sleep(std::time::Duration::from_millis(2));
    let second = RunId::new();
    assert!(first < second, "{first} {second}");
    assert_eq!(first.as_str().len(), 28);
    assert!(RunId::parse(first.as_str()).is_ok());
    for bad in ["", "../x", "a/b", "a.b", &"x".repeat(33)] {
        assert_eq!(RunId::parse(bad), Err(JournalError::BadRunId), "{bad}");
    }
    let text = serde_json::to_string(&first).unwrap();
    assert_eq!(serde_json::from_str::<RunId>(&text).unwrap(), first);
    assert!(serde_json::from_str::<RunId>(r#""../etc""#).is_err());
}

#[tokio::test]
async fn a_journal_reads_back_with_outcomes_in_flight_and_a_torn_line() {
    let dir = tempfile::tempdir().unwrap();
    let runs = RunsDir::in_dir(dir.path().join("runs"));
    let header = RunHeader {
        to_send: 2,
        ..header(3)
    };
    let entries = [
        entry("a", send()),
        entry("b", send()),
        entry("c", Step::Skip(Skip::Locked)),
    ];
    let writer = JournalWriter::create(&runs, &header, &entries).unwrap();
    assert!(
        matches!(
            JournalWriter::reopen(&runs, &header.id),
            Err(JournalError::Running(_))
        ),
        "held while a writer has it"
    );
    for zone in ["a", "b"] {
        let line = Line::Sending {
            zone: zone.into(),
            at: 2,
            before: None,
            audit: None,
        };
        writer.write(&line).await.unwrap();
    }
    writer.queue(&Line::Outcome {
        zone: "a".into(),
        at: 3,
        outcome: ZoneOutcome::Done {
            outcome: SaveOutcome::default(),
        },
        state: None,
    });
    writer
        .write(&Line::Sending {
            zone: "nope".into(),
            at: 3,
            before: None,
            audit: None,
        })
        .await
        .unwrap();
    let held = runs.load(&header.id).unwrap();
    assert!(held.held);
    writer.close().await.unwrap();
    let path = runs.path(&header.id);
    // A crash in the middle of a line.
    use std::io::Write as _;
    let mut file = OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(br#"{"kind":"outcome","zone":"b","at":4,"outc"#)
        .unwrap();
    drop(file);

    let record = runs.load(&header.id).unwrap();
    assert!(!record.held, "the lock goes with the writer");
    assert!(record.plan_complete);
    assert_eq!(record.plan.entries.len(), 3);
    assert_eq!(record.outcomes.len(), 1);
    assert_eq!(record.in_flight, ["b"]);
    assert_eq!(record.sent.get("a"), Some(&1));
    assert_eq!(record.warnings.len(), 1, "{:?}", record.warnings);
    assert!(record.warnings[0].last, "the torn line is the last");
    // A line about a zone the plan does not name is a fault: no resume.
    assert_eq!(record.faults.len(), 1, "{:?}", record.faults);
    assert_eq!(record.faults[0].line, 9);
    assert!(record.faults[0].problem.contains("the plan does not"));
    assert_eq!(record.status(), RunStatus::Unfinished);
    assert_eq!(runs.unfinished(&header.api).len(), 1);
    assert!(runs.unfinished("elsewhere/client/v4").is_empty());
    let summary = record.info().summary;
    assert_eq!((summary.done, summary.left), (1, 1));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(runs.dir()), 0o700);
    }

    let again = JournalWriter::reopen(&runs, &header.id).unwrap();
    again
        .write(&Line::Outcome {
            zone: "b".into(),
            at: 5,
            outcome: ZoneOutcome::Unknown(UnknownCause::Interrupted { reread: None }),
            state: None,
        })
        .await
        .unwrap();
    again
        .write(&Line::Finished {
            at: 6,
            state: RunState::Complete,
        })
        .await
        .unwrap();
    again.close().await.unwrap();
    let record = runs.load(&header.id).unwrap();
    assert_eq!(record.status(), RunStatus::Complete);
    assert!(record.in_flight.is_empty());
    assert!(super::super::journal_read::ends_finished(&path));
    assert!(runs.unfinished(&header.api).is_empty());
    let (listed, errors) = runs.list();
    assert!(errors.is_empty());
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].summary.unknown, 1);
}

#[test]
fn a_plan_that_never_reached_the_disk_in_full_was_never_started() {
    let dir = tempfile::tempdir().unwrap();
    let runs = RunsDir::in_dir(dir.path());
    let header = header(2);
    let mut text = serde_json::to_string(&Line::Run(header.clone())).unwrap();
    text.push('\n');
    text.push_str(&serde_json::to_string(&Line::<Zones>::Plan(entry("a", send()))).unwrap());
    text.push('\n');
    std::fs::write(runs.path(&header.id), text).unwrap();
    let record = runs.load(&header.id).unwrap();
    assert_eq!(record.status(), RunStatus::NoPlan);
    assert!(matches!(
        runs.load(&RunId::parse("nothing-here").unwrap()),
        Err(JournalError::NoSuchRun(_))
    ));
    std::fs::write(runs.path(&header.id), "not json\n").unwrap();
    assert!(matches!(
        runs.load(&header.id),
        Err(JournalError::Read { .. })
    ));
}

/// A run's journal written by the writer, then its lines as text.
async fn written(runs: &RunsDir, change: Change) -> (RunHeader, Vec<String>) {
    let header = RunHeader {
        change,
        to_send: 2,
        ..header(3)
    };
    let entries = [
        entry("a", send()),
        entry("b", send()),
        entry("c", Step::Skip(Skip::Locked)),
    ];
    let writer = JournalWriter::create(runs, &header, &entries).unwrap();
    writer.close().await.unwrap();
    let text = std::fs::read_to_string(runs.path(&header.id)).unwrap();
    (header, text.lines().map(str::to_owned).collect())
}

fn first_fault(runs: &RunsDir, id: &RunId) -> (usize, String) {
    let record = runs.load(id).unwrap();
    let fault = record.faults.first().expect("a fault");
    (fault.line, fault.problem.clone())
}

#[tokio::test]
async fn a_journal_copied_under_another_name_is_not_a_second_run() {
    let dir = tempfile::tempdir().unwrap();
    let runs = RunsDir::in_dir(dir.path().join("runs"));
    let (header, lines) = written(&runs, Change::EnableScanning).await;
    assert!(runs.load(&header.id).unwrap().faults.is_empty());
    let copy = RunId::parse("20991231T000000000Z-00000000").unwrap();
    std::fs::write(runs.path(&copy), lines.join("\n") + "\n").unwrap();
    let refused = runs.load(&copy);
    assert!(
        matches!(&refused, Err(JournalError::Tampered { line: 1, problem, .. })
            if problem.contains(header.id.as_str())),
        "{refused:?}"
    );
    let (listed, errors) = runs.list();
    assert_eq!(listed.len(), 1, "one row per run id");
    assert_eq!(errors.len(), 1, "the copy is named as an error");
}

#[tokio::test]
async fn a_journal_that_does_not_add_up_names_its_faulty_line() {
    let dir = tempfile::tempdir().unwrap();
    let runs = RunsDir::in_dir(dir.path().join("runs"));
    let rewrite = |id: &RunId, lines: &[String]| {
        std::fs::write(runs.path(id), lines.join("\n") + "\n").unwrap();
    };

    // The typed email edited in the run line: the digest no longer matches.
    let (header, mut lines) = written(&runs, Change::set_email("ts@acme-corp.com").unwrap()).await;
    lines[0] = lines[0].replace("ts@acme-corp.com", "ts@acme-corp.co");
    rewrite(&header.id, &lines);
    let (line, problem) = first_fault(&runs, &header.id);
    assert_eq!(line, 5, "the planned line");
    assert!(problem.contains("digest"), "{problem}");

    // A step edited from skip to send: the header's count and the digest.
    let (header, mut lines) = written(&runs, Change::EnableScanning).await;
    lines[3] = lines[3].replace(
        r#""step":"skip","reason":"locked""#,
        r#""step":"send","expect":"as_asked""#,
    );
    rewrite(&header.id, &lines);
    let record = runs.load(&header.id).unwrap();
    assert!(
        record
            .faults
            .iter()
            .any(|f| f.line == 1 && f.problem.contains("3 to send")),
        "{:?}",
        record.faults
    );

    // A zone inserted into the plan.
    let (header, mut lines) = written(&runs, Change::EnableScanning).await;
    let inserted = lines[1].replace(r#""id":"a""#, r#""id":"z""#);
    lines.insert(2, inserted);
    rewrite(&header.id, &lines);
    let record = runs.load(&header.id).unwrap();
    assert!(
        record
            .faults
            .iter()
            .any(|f| f.line == 6 && f.problem.contains("counts 3 zones")),
        "{:?}",
        record.faults
    );

    // A line about a zone the plan does not name.
    let (header, mut lines) = written(&runs, Change::EnableScanning).await;
    lines.push(r#"{"kind":"sending","zone":"elsewhere","at":9}"#.to_owned());
    rewrite(&header.id, &lines);
    assert_eq!(
        first_fault(&runs, &header.id),
        (6, "names a zone the plan does not".to_owned())
    );
}

#[test]
fn hidden_characters_are_escapes_and_an_older_unescaped_journal_still_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let runs = RunsDir::in_dir(dir.path().join("runs"));
    let header = header(1);
    let mut hostile = entry("a", send());
    hostile.zone.name = "shop\u{202e}moc.x\u{85}".into();
    let entries = [hostile];
    let writer = JournalWriter::create(&runs, &header, &entries).unwrap();
    drop(writer);
    let path = runs.path(&header.id);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        !written.contains('\u{202e}') && !written.contains('\u{85}'),
        "{written}"
    );
    assert!(written.contains("\\u202e"), "{written}");
    let record = runs.load(&header.id).unwrap();
    assert!(record.faults.is_empty(), "{:?}", record.faults);
    assert_eq!(record.plan.entries[0].zone.name, entries[0].zone.name);

    // The previous version wrote serde_json's own form: raw characters,
    // and a digest of that form. It still loads whole, without a fault.
    let older: String = [
        Line::Run(header.clone()),
        Line::Plan(entries[0].clone()),
        Line::Planned {
            zones: 1,
            digest: Some(plan_digest(&header, &entries)),
        },
    ]
    .iter()
    .map(|line| String::from_utf8(line.digest_bytes()).unwrap())
    .collect();
    assert!(older.contains('\u{202e}'), "the old form is unescaped");
    std::fs::write(&path, older).unwrap();
    let record = runs.load(&header.id).unwrap();
    assert!(record.plan_complete);
    assert!(record.faults.is_empty(), "{:?}", record.faults);
    assert_eq!(record.status(), RunStatus::Unfinished);
}

"""Each reader mailed once: one sender per edition, a log written before and after each DATA,
and a message whose connection dropped after it was handed over never sent twice unasked."""

import json
import subprocess
import sys
import time
from pathlib import Path

from briefings.digest.deliver import SentLog
from tests.conftest import write
from tests.digest.conftest import digest_project
from tests.digest.smtp import STORE_THEN_DROP, Recorder, smtp_server
from tests.digest.test_send import send

READERS = [f"reader{n}@example.org" for n in range(6)]


def readers_list(example: Path) -> str:
    path = write(example / "list.csv", "email\n" + "".join(f"{a}\n" for a in READERS))
    return str(path)


def delivered(recorder: Recorder) -> list[str]:
    return sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in recorder.accepted)


def sent_log(project: Path) -> SentLog:
    (log,) = (project / ".briefings" / "digests").glob("*.jsonl")
    return SentLog(log)


def test_a_message_stored_then_dropped_is_not_sent_twice(example: Path) -> None:
    recorder = Recorder(reply=lambda to, _n: STORE_THEN_DROP if to == READERS[2] else None)
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        first = send(project, "--send", "--list", readers_list(example))
        assert "Sent 5, skipped 0 (already sent), failed 0, unknown 1" in first.stdout
        assert "--retry-unknown" in first.stdout and first.returncode == 1
        again = send(project, "--send", "--list", readers_list(example))
        assert "Sent 0, skipped 5 (already sent), failed 0, unknown 1" in again.stdout
    assert delivered(recorder) == sorted(READERS)  # each once: the dropped one too
    assert sent_log(project).states()[READERS[2]] == "unknown"


def test_retry_unknown_sends_to_them_again_when_asked(example: Path) -> None:
    recorder = Recorder(
        reply=lambda to, n: STORE_THEN_DROP if to == READERS[0] and n == 1 else None
    )
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        send(project, "--send", "--list", readers_list(example))
        again = send(project, "--send", "--list", readers_list(example), "--retry-unknown")
    assert "Sent 1, skipped 5" in again.stdout and again.returncode == 0
    assert delivered(recorder).count(READERS[0]) == 2  # as asked


def test_a_second_sender_of_the_same_edition_stops_at_once(example: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        send(project, "--send", "--to", "first@example.org")  # makes the edition's log
        with sent_log(project).lock():  # a run in progress
            second = send(project, "--send", "--list", readers_list(example))
    assert second.returncode == 1
    assert "being sent already" in second.stderr
    assert delivered(recorder) == ["first@example.org"]


def test_a_reader_being_sent_when_the_run_died_is_not_sent_again(example: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        send(project, "--send", "--to", READERS[0])
        log = sent_log(project)
        # The run died between its record of sending and that of sent; the last line is torn.
        with log.path.open("a") as out:
            out.write(json.dumps({"to": READERS[1], "status": "sending"}) + "\n")
            out.write('{"to": "' + READERS[1] + '", "sta')
        rerun = send(project, "--send", "--list", readers_list(example))
    assert "Sent 4, skipped 1 (already sent), failed 0, unknown 1" in rerun.stdout
    assert sorted(set(delivered(recorder))) == sorted([READERS[0], *READERS[2:]])
    assert log.states()[READERS[3]] == "sent"  # records after the torn line are read


def test_two_senders_at_once_mail_each_reader_once(example: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        send(project, "--send", "--to", "first@example.org")
        command = [sys.executable, "-m", "briefings", "digest", "-C", str(project)]
        command += ["--send", "--list", readers_list(example)]
        runs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for run in runs:
            run.communicate(timeout=120)
    assert delivered(recorder) == sorted(["first@example.org", *READERS])


def test_no_digest_is_sent_with_links_to_this_machine(example: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        config = project / "briefings.toml"
        config.write_text(
            config.read_text().replace("https://brief.test/", "http://127.0.0.1:8000/")
        )
        refused = send(project, "--send", "--to", "ann@example.org")
        assert refused.returncode == 1 and "an address of this machine" in refused.stderr
        assert recorder.accepted == []
        given = send(
            project, "--send", "--to", "ann@example.org", "--base-url", "https://brief.test/"
        )
    assert given.returncode == 0, given.stderr
    assert delivered(recorder) == ["ann@example.org"]


def test_sending_without_an_smtp_server_configured_fails_at_once(example: Path) -> None:
    project = digest_project(example, 2525)
    config = project / "briefings.toml"
    config.write_text(config.read_text().split("[smtp]")[0])
    started = time.monotonic()
    refused = send(project, "--send", "--to", "ann@example.org")
    assert (
        refused.returncode == 1
        and "no SMTP server" in refused.stderr
        and "[smtp]" in refused.stderr
    )
    assert time.monotonic() - started < 25  # not 30 s of retries against localhost

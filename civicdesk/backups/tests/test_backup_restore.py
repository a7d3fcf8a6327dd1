"""Backups restore: the test database (PostgreSQL with pg_dump/pg_restore, SQLite with its
backup API) is dumped, wiped and restored, and every issue and event comes back; a row lost
after the restore is caught and named."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civicdesk.backups.services import (
    differences,
    dump,
    fingerprint,
    restore,
    wipe,
)
from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact, add_note
from civicdesk.timeline.models import Event
from conftest import report_outage

# Wiping drops tables, which needs no open transaction around the test.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def history(wards, electricity, staff) -> list[Issue]:
    issues = [
        report_outage(electricity.jurisdiction, Contact(email=f"r{n}@example.org"))
        for n in range(5)
    ]
    add_note(issues[0], staff, "Cable stolen, crew on the way")
    return issues


def test_the_command_dumps_wipes_restores_and_finds_everything(history, tmp_path, capsys):
    events = Event.objects.count()
    before = fingerprint()
    call_command("backup_restore_check", noinput=True, keep=tmp_path / "civicdesk.dump")
    out = capsys.readouterr().out
    assert f"{Issue._meta.db_table}: 5 rows" in out
    assert f"{Event._meta.db_table}: {events} rows" in out
    assert "identical" in out
    assert (tmp_path / "civicdesk.dump").stat().st_size > 0
    assert differences(before, fingerprint()) == []
    # The restored database is in service: contents, and sequences past the restored ids.
    assert sorted(Issue.objects.values_list("pk", flat=True)) == sorted(i.pk for i in history)
    assert report_outage(history[0].jurisdiction).pk > max(i.pk for i in history)


def test_a_row_missing_after_the_restore_is_named(history, tmp_path):
    before = fingerprint()
    dump(tmp_path / "civicdesk.dump")
    wipe()
    assert connection.introspection.table_names() == []
    restore(tmp_path / "civicdesk.dump")
    Event.objects.filter(pk=Event.objects.order_by("pk").first().pk).delete()
    [lost] = differences(before, fingerprint())
    assert lost.table == Event._meta.db_table
    assert lost.after[0] == lost.before[0] - 1


def test_a_changed_value_is_caught_although_the_counts_agree(history, tmp_path):
    before = fingerprint()
    Issue.objects.filter(pk=history[1].pk).update(description="Edited after the dump")
    [changed] = differences(before, fingerprint())
    assert changed.table == Issue._meta.db_table
    assert changed.before[0] == changed.after[0]


def test_it_asks_before_wiping(history, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("backup_restore_check")
    assert Issue.objects.count() == 5

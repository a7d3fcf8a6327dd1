"""Reading the CSV a chunk at a time, ahead of the writes, in a process of its own.

Parsing is pure Python; so is much of writing (building rows for COPY), and in one
process the two would take turns on the interpreter while the database waited. A forked
reader parses chunks and hands them over through a queue (at most `AHEAD` waiting, so
memory stays that of a few chunks whatever the file's size); rows it rejects it writes to
the rejects file itself, in order."""

import csv
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any, TextIO

from civicdesk.imports.records import Record, Rejected, RowReader

AHEAD = 3
_FIELDS = [f.name for f in fields(Record)]


class ReadError(Exception):
    """The file itself cannot be read on (bad encoding, broken CSV); the message says
    where."""


@dataclass
class Chunk:
    read: int
    rejected: int
    records: list[Record]


def _pack(records: list[Record]) -> list[tuple]:
    """Records as plain tuples: pickled several times faster than the dataclass."""
    return [tuple(getattr(r, name) for name in _FIELDS) for r in records]


def _rows(reader: Any) -> Iterator[list[str]]:
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            # Text is decoded in blocks: the line is where the bad block begins, or so.
            raise ReadError(f"near line {reader.line_num + 1}: {exc}") from exc


def parse_chunks(
    reader: Any, rows: RowReader, size: int, check: Callable[[Record], str], rejects: Any
) -> Iterator[Chunk]:
    """Chunks of at most `size` rows of a csv.reader. A row that cannot be read, or whose
    names `check` refuses, goes to `rejects` (a csv.writer or None) with the line it
    starts on (a quoted value may span lines) and the reason."""
    line = reader.line_num
    source = _rows(reader)
    while True:
        chunk = Chunk(0, 0, [])
        for row in islice(source, size):
            start, line = line + 1, reader.line_num
            chunk.read += 1
            try:
                record = rows.read(row, start)
                reason = check(record)
            except Rejected as exc:
                reason = str(exc)
            if not reason:
                chunk.records.append(record)
                continue
            chunk.rejected += 1
            if rejects is not None:
                rejects.writerow([start, reason, *row])
        if not chunk.read:
            return
        yield chunk


def _produce(chunks: Iterator[Chunk], out: multiprocessing.Queue, rejects: TextIO | None) -> None:
    end = None
    try:
        for chunk in chunks:
            out.put((chunk.read, chunk.rejected, _pack(chunk.records)))
    except ReadError as exc:  # handed to the importer, raised there
        end = ReadError(str(exc))
    except BaseException as exc:
        end = ReadError(f"the reader failed: {exc!r}")
    # The rejects so far reach the file before the importer hears the end (this process
    # leaves without flushing anything).
    if rejects is not None:
        rejects.flush()
    out.put(end)


def read_ahead(chunks: Iterator[Chunk], rejects: TextIO | None) -> Iterator[Chunk]:
    """The same chunks, parsed by a forked process up to `AHEAD` chunks in advance. The
    parent must not read the source or write the rejects until this ends; leaving the
    loop early stops the reader."""
    context = multiprocessing.get_context("fork")
    waiting = context.Queue(maxsize=AHEAD)
    reader = context.Process(target=_produce, args=(chunks, waiting, rejects), daemon=True)
    reader.start()
    try:
        while True:
            try:
                item = waiting.get(timeout=1)
            except queue.Empty:
                if not reader.is_alive():
                    raise ReadError("the file's reader stopped unexpectedly") from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            read, rejected, packed = item
            yield Chunk(read, rejected, [Record(*values) for values in packed])
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        waiting.close()


def can_fork() -> bool:
    return hasattr(os, "fork")

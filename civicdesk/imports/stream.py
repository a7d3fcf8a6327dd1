"""Reading the CSV a chunk at a time, ahead of the writes, in a thread of its own.

Parsing is pure Python and holds the interpreter; writing is mostly waiting for the
database, which releases it. Reading the next chunk while the database works on the last
one overlaps the two. At most `AHEAD` parsed chunks wait in the queue: memory stays that
of a few chunks whatever the file's size."""

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from civicdesk.imports.records import Record, Rejected, RowReader

AHEAD = 2


@dataclass
class Chunk:
    read: int = 0
    records: list[Record] = field(default_factory=list)
    rows: dict[int, list[str]] = field(default_factory=dict)  # by line, for the records
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)


def parse_chunks(reader, rows: RowReader, size: int) -> Iterator[Chunk]:
    """Chunks of at most `size` rows from a csv.reader; each record knows the line its
    row starts on (a quoted value may span lines)."""
    line = reader.line_num
    while True:
        chunk = Chunk()
        for row in islice(reader, size):
            try:
                chunk.records.append(rows.read(row, line + 1))
                chunk.rows[line + 1] = row
            except Rejected as exc:
                chunk.rejected.append((line + 1, str(exc), row))
            chunk.read += 1
            line = reader.line_num
        if not chunk.read:
            return
        yield chunk


_DONE = object()


def read_ahead(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """The same chunks, produced by a thread up to `AHEAD` chunks in advance. An error in
    the thread is raised here; leaving the loop early stops the thread."""
    waiting: queue.Queue = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        waiting.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            waiting.put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            waiting.put(exc)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while (item := waiting.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()

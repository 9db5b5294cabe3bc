"""Hand-coded events: YAML (one file per report) and CSV, both in schema column names.

A YAML file describes one report and the events coded from it::

    report:                      # applies to every event below unless the event says otherwise
      source: Syria TV; North Press
      source_url: https://...
      source_scale: National
    defaults:                    # any other schema column shared by the events
      country: Syria
    events:
      - event_date: 2022-10-22
        event_type: Explosions/Remote violence
        ...

Rows are numbered for error messages: events by their position in the ``events`` list (1-based),
CSV rows by their line in the file (the header is line 1), as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import yaml

from geo import links as L
from geo import schema as S
from geo.errors import InputError
from geo.formats.rows import why_unreadable
from geo.formats.values import records_frame
from geo.textio import read_text

REPORT_KEYS = (S.SOURCE, S.SOURCE_URL, S.SOURCE_SCALE)
_TOP_KEYS = {"report", "defaults", "events"}
LINKS_KEY = "links"  # an event's links, by the event_id of the event each one answers


class _Loader(yaml.SafeLoader):
    """YAML without aliases: ``*name`` repeats a node without repeating its text, so a file of a
    few hundred bytes can stand for gigabytes of events ("billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise InputError(
                f"{self.name}: line {mark.line + 1}: YAML aliases (*name) are not accepted in an "
                "events file; write the value out, or put shared values under 'defaults'"
            )
        return super().compose_node(parent, index)


def _yaml_scalar(value: object) -> object:
    # YAML turns 2022-10-22 into a date and "no" into False; the schema parses text itself.
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def _yaml_doc(path: Path) -> dict:
    text = read_text(path)
    try:
        loader = _Loader(text)
        loader.name = str(path)
        try:
            doc = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise InputError(f"{path}: not valid YAML{where}: {problem}") from exc
    except RecursionError as exc:
        raise InputError(f"{path}: nested too deeply to be an events file") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        raise InputError(f"{path}: expected a mapping with an 'events' list")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise InputError(
            f"{path}: unknown top-level key(s) {sorted(unknown)}; use {sorted(_TOP_KEYS)}"
        )
    return doc


def read_yaml(path: str | Path) -> pd.DataFrame:
    """Events of one hand-coded YAML file, with the report's fields applied to each."""
    return read_yaml_with_links(path)[0]


def read_yaml_with_links(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events of one hand-coded YAML file, and the links its events name (by event_id)::

    - event_id: CM-SYR-20221022-03
      ...
      links:
        - retaliation_for: CM-SYR-20221022-01
          evidence: the coalition answered the attack on the al-Omar field
    """
    path = Path(path)
    doc = _yaml_doc(path)
    report = doc.get("report") or {}
    defaults = doc.get("defaults") or {}
    if not isinstance(report, dict) or not isinstance(defaults, dict):
        raise InputError(f"{path}: 'report' and 'defaults' must be mappings")
    base = {k: report[k] for k in REPORT_KEYS if k in report}
    base.update(defaults)
    records = []
    links: list[dict[str, object]] = []
    rows: list[int] = []
    for number, event in enumerate(doc["events"], start=1):
        if not isinstance(event, dict):
            raise InputError(f"{path}: event {number} is not a mapping of column: value")
        record = {**base, **event}
        named = record.pop(LINKS_KEY, None)
        if named:
            for item in _yaml_links(path, number, named, record.get(S.EVENT_ID)):
                links.append(item)
                rows.append(number)
        records.append({k: _yaml_scalar(v) for k, v in record.items()})
    frame = records_frame(records)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame, _links_frame(links, rows)


def _yaml_links(path: Path, number: int, named: object, event_id: object) -> list[dict]:
    if not event_id:
        raise InputError(f"{path}: event {number} has links but no event_id for them to start from")
    if not isinstance(named, list):
        raise InputError(f"{path}: event {number}: 'links' must be a list")
    out = []
    for item in named:
        if not isinstance(item, dict):
            raise InputError(
                f"{path}: event {number}: each link is a mapping, e.g. "
                "'- retaliation_for: CM-SYR-20221022-01'"
            )
        item = dict(item)
        relations = [k for k in item if k in L.RELATIONS]
        if len(relations) > 1:
            raise InputError(f"{path}: event {number}: one relation per link, not {relations}")
        if relations:
            item[L.TARGET_ID] = item.pop(relations[0])
            item[L.RELATION] = relations[0]
        out.append({**item, L.EVENT_ID: event_id})
    return out


def _links_frame(links: list[dict[str, object]], rows: list[int]) -> pd.DataFrame:
    if not links:
        return pd.DataFrame(columns=[L.EVENT_ID, L.TARGET_ID, L.RELATION])
    frame = pd.DataFrame(links)
    frame.index = pd.Index(rows)
    return frame


def read_csv(path: str | Path) -> pd.DataFrame:
    """Events of a CSV file with a header of schema column names; every cell read as text."""
    return read_csv_with_links(path)[0]


def read_csv_with_links(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events of a CSV file and the links it names: a ``links`` column of the events
    (``retaliation_for:CM-SYR-20221022-01; follow_up:CM-...``), or a file of links alone, whose
    header holds ``event_id``, ``target_id`` and ``relation`` (what ``export -f csv`` writes
    beside the events)."""
    frame = _read_csv_cells(path)
    if {L.TARGET_ID, L.RELATION} <= set(frame.columns):
        return frame.iloc[0:0, 0:0], frame
    if LINKS_KEY not in frame.columns:
        return frame, _links_frame([], [])
    links: list[dict[str, object]] = []
    rows: list[int] = []
    for line, cell, event_id in zip(
        frame.index, frame[LINKS_KEY], frame.get(S.EVENT_ID, [None] * len(frame)), strict=True
    ):
        for part in (cell or "").split(";"):
            if not part.strip():
                continue
            relation, sep, target = part.partition(":")
            if not event_id:
                raise InputError(f"{path}: row {line} has links but no event_id")
            if not sep:
                raise InputError(
                    f"{path}: row {line}, column links: {part.strip()!r} is not "
                    "relation:event_id (e.g. retaliation_for:CM-SYR-20221022-01)"
                )
            links.append(
                {L.EVENT_ID: event_id, L.RELATION: relation.strip(), L.TARGET_ID: target.strip()}
            )
            rows.append(line)
    return frame.drop(columns=[LINKS_KEY]), _links_frame(links, rows)


def _read_csv_cells(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    text = read_text(path)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(f"{path}: not readable as CSV: {why_unreadable(exc)}") from exc
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError(f"{path}: the file is empty; expected a header row of column names")
    header = [h.strip() for h in rows[0]]
    records: list[list[str]] = []
    lines: list[int] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}: row {line} has {len(row)} fields but the header has {len(header)}; "
                "check for an unquoted comma or a missing cell"
            )
        records.append(row)
        lines.append(line)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    # An empty cell is a missing value, as in every spreadsheet.
    frame = frame.where(frame.apply(lambda column: column.str.strip() != ""), None)
    frame.index = pd.Index(lines)
    return frame


def read(path: str | Path) -> pd.DataFrame:
    """A hand-coded file by its extension: .yaml/.yml or .csv."""
    frame = read_with_links(path)[0]
    if frame.empty:
        raise InputError(f"{path} holds no events (a header or an empty list only); nothing to add")
    return frame


def read_with_links(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and links of a hand-coded file (.yaml/.yml or .csv); refused if it holds neither."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        frame, links = read_yaml_with_links(path)
    elif suffix == ".csv":
        frame, links = read_csv_with_links(path)
    else:
        raise InputError(f"{path}: hand-coded events come as .yaml, .yml or .csv, not {suffix!r}")
    if frame.empty and links.empty:
        raise InputError(f"{path} holds no events (a header or an empty list only); nothing to add")
    return frame, links

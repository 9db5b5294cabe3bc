"""ACLED exports as analysts download them: both layouts, their variants, and our ACLED-layout CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_events, shared_file

from geo import schema as S
from geo.errors import InputError, ValidationError
from geo.formats import acled
from geo.importer import detect_format, import_file
from geo.store import GeoPackageStore

# The current layout as ACLED documents it (codebook 2023-), column for column.
ACLED_CURRENT_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
)
OLD_HEADER = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,timestamp,iso3"
)


def write(tmp_path: Path, text: str, name: str = "acled.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_old_layout_numeric_actor_codes_become_acled_labels(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        OLD_HEADER + "\n"
        "1,760,SYR1,1,9-May-20,2020,1,Battles,Armed clash,Military Forces of Syria (2000-),,1,"
        "Islamic State (Syria),,2,12,Middle East,Syria,Deir ez-Zor,Al Mayadin,,Mayadin,35.0198,"
        "40.4515,1,Test Outlet,National,Made-up clash.,3,1589000000,SYR\n"
        "2,760,SYR2,2,10-May-20,2020,1,Protests,Peaceful protest,Protesters (Syria),,6,,,0,60,"
        "Middle East,Syria,Deir ez-Zor,Al Mayadin,,Mayadin,35.0198,40.4515,1,Test Outlet,"
        "National,Made-up protest.,0,1589000000,SYR\n",
    )
    events = S.validate(acled.read(path))
    first, second = events.iloc[0], events.iloc[1]
    assert (first[S.INTER1], first[S.INTER2]) == ("State forces", "Rebel group")
    assert second[S.INTER1] == "Protesters" and pd.isna(second[S.INTER2])  # code 0: no actor2
    assert first[S.EVENT_DATE] == pd.Timestamp("2020-05-09")
    assert first[S.DISORDER_TYPE] == "Political violence"  # derived: old files have none
    assert list(events[S.EVENT_ID]) == ["SYR1", "SYR2"]
    assert set(events[S.ORIGIN]) == {"acled"}


def test_current_layout_with_a_time_column_and_long_dates(tmp_path: Path) -> None:
    header = ACLED_CURRENT_HEADER.replace(",timestamp", ",time")
    path = write(
        tmp_path,
        header + "\n"
        'PSE1,"01 November 2024",2024,1,"Strategic developments","Strategic developments",'
        '"Looting/property destruction","Settlers (Israel)",,"Political militia",'
        '"Civilians (Palestine)",,Civilians,"Political militia-Civilians",,275,"Middle East",'
        'Palestine,"West Bank",Hebron,,Somewhere,31.39,35.13,1,"Some Outlet",Other,'
        '"A made-up note.",0,,1730758098\n'
        "IRQ1,2023-02-16,2023,2,Demonstrations,Protests,Peaceful protest,Protesters (Iraq),,"
        "Protesters,,,,Protesters only,,368,Middle East,Iraq,Baghdad,,,Baghdad,33.34,44.40,1,"
        "Other Outlet,National,Another made-up note.,0,crowd size=no report,1730758099\n",
    )
    events = S.validate(acled.read(path))
    assert list(events[S.EVENT_DATE]) == [pd.Timestamp("2024-11-01"), pd.Timestamp("2023-02-16")]
    assert events.iloc[0][S.INTER2] == "Civilians"
    assert events.iloc[1][S.TAGS] == "crowd size=no report"
    assert events.iloc[0][S.ISO] == 275


def current_row(event_id: str, actor: str, actor_type: str, **changes: str) -> dict[str, str]:
    row = {
        "event_id_cnty": event_id,
        "event_date": "5-Aug-24",
        "year": "2024",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Riots",
        "sub_event_type": "Mob violence",
        "actor1": actor,
        "assoc_actor_1": "",
        "inter1": actor_type,
        "interaction": "Rioters-Civilians",
        "civilian_targeting": "Civilian targeting",
        "iso": "50",
        "region": "South Asia",
        "country": "Bangladesh",
        "admin1": "Dhaka",
        "admin2": "Dhaka",
        "admin3": "",
        "location": "Dhaka",
        "latitude": "23.71",
        "longitude": "90.41",
        "geo_precision": "1",
        "source": "Test Outlet",
        "source_scale": "National",
        "notes": "A made-up event.",
        "fatalities": "0",
        "tags": "",
        "timestamp": "1723576772",
    }
    row.update(changes)
    return row


def write_rows(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write(tmp_path, buffer.getvalue())


def test_a_file_without_actor2_columns_imports(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path,
        [
            current_row("BGD1", "Rioters (Bangladesh)", "Rioters", interaction="Rioters only"),
            current_row("BGD2", "Rioters (Bangladesh)", "Rioters", interaction="Rioters only"),
        ],
    )
    events = S.validate(acled.read(path))
    assert len(events) == 2
    assert events[S.ACTOR2].isna().all()


def test_one_row_per_actor_is_joined_back_into_actor1_and_actor2(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path,
        [
            current_row("BGD1", "Rioters (Bangladesh)", "Rioters"),
            current_row("BGD1", "Civilians (Bangladesh)", "Civilians"),
            current_row("BGD2", "Rioters (Bangladesh)", "Rioters", interaction="Rioters only"),
        ],
    )
    events = S.validate(acled.read(path))
    joined = events.set_index(S.EVENT_ID).loc["BGD1"]
    assert (joined[S.ACTOR1], joined[S.INTER1]) == ("Rioters (Bangladesh)", "Rioters")
    assert (joined[S.ACTOR2], joined[S.INTER2]) == ("Civilians (Bangladesh)", "Civilians")
    assert len(events) == 2


def test_the_rows_of_one_event_are_joined_across_a_chunk_boundary(tmp_path: Path) -> None:
    rows = [current_row("BGD0", "Rioters (Bangladesh)", "Rioters", interaction="Rioters only")]
    rows += [current_row("BGD1", "Rioters (Bangladesh)", "Rioters")]
    rows += [current_row("BGD1", "Civilians (Bangladesh)", "Civilians")]
    chunks = list(acled.read_chunks(write_rows(tmp_path, rows), chunk_rows=2))
    events = pd.concat([c.events for c in chunks])
    assert sorted(events[S.EVENT_ID]) == ["BGD0", "BGD1"]
    assert events.set_index(S.EVENT_ID).loc["BGD1", S.ACTOR2] == "Civilians (Bangladesh)"
    assert sum(c.rows for c in chunks) == 3


def test_rows_without_an_id_are_never_joined_to_each_other(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path,
        [
            current_row("", "Rioters (Bangladesh)", "Rioters", interaction="Rioters only"),
            current_row("", "Rioters (Bangladesh)", "Rioters", notes="Another made-up event."),
        ],
    )
    events = S.validate(acled.read(path))
    assert len(events) == 2 and events[S.EVENT_ID].nunique() == 2
    assert events[S.ACTOR2].isna().all()


def test_rows_without_an_id_after_a_joined_event_keep_their_row_numbers(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path,
        [
            current_row("BGD1", "Rioters (Bangladesh)", "Rioters"),
            current_row("BGD1", "Civilians (Bangladesh)", "Civilians"),
            current_row("", "Rioters (Bangladesh)", "Rioters", interaction="Rioters only"),
            current_row("", "Rioters (Bangladesh)", "Rioters", notes="Another made-up event."),
        ],
    )
    events = acled.read(path)
    # Rows are named by their line in the file, the header being line 1.
    assert sorted(events.index) == [2, 4, 5], "lines 2 and 3 joined, 4 and 5 alone"
    assert events.loc[2, S.ACTOR2] == "Civilians (Bangladesh)"
    assert events.loc[[4, 5], S.ACTOR2].isna().all()


def test_rows_of_one_event_that_disagree_are_named(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path,
        [
            current_row("BGD1", "Rioters (Bangladesh)", "Rioters"),
            current_row("BGD1", "Civilians (Bangladesh)", "Civilians", fatalities="4"),
        ],
    )
    with pytest.raises(ValidationError) as caught:
        acled.read(path)
    message = str(caught.value)
    assert "row 3, column fatalities" in message and "row 2" in message


def test_a_truncated_row_is_named_with_its_row_number(tmp_path: Path) -> None:
    text = write_rows(tmp_path, [current_row("BGD1", "Rioters (Bangladesh)", "Rioters")])
    content = text.read_text(encoding="utf-8") + "BGD2,5-Aug-24,2024,1\n"
    path = write(tmp_path, content, "cut.csv")
    with pytest.raises(ValidationError, match=r"row 3.*4 fields but the header has 28"):
        acled.read(path)


def test_a_file_missing_a_column_every_export_has_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, "event_id_cnty,event_date,sub_event_type,actor1\nX1,2024-01-01,Attack,A\n"
    )
    with pytest.raises(InputError, match="latitude"):
        acled.read(path)


# --- writing -------------------------------------------------------------------------------------
def exported(events: pd.DataFrame) -> list[dict[str, str]]:
    text = acled.to_bytes(S.validate(events)).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_is_the_current_layout_in_acled_order() -> None:
    text = acled.to_bytes(S.validate(make_events(2))).decode("utf-8")
    assert text.splitlines()[0] == ACLED_CURRENT_HEADER


def test_export_derives_year_and_interaction_as_acled_writes_them() -> None:
    events = make_events(2)
    events.loc[2, [S.ACTOR2, S.INTER2]] = None
    rows = exported(events)
    assert rows[0]["interaction"] == "State forces-Rebel group"
    assert rows[1]["interaction"] == "State forces only"
    assert rows[0]["year"] == "2022"
    assert rows[0]["event_id_cnty"] == "T-1"


def test_export_orders_the_interaction_by_actor_code_not_by_side() -> None:
    events = make_events(1, inter1="Civilians", actor1="Civilians (Syria)", inter2="State forces")
    assert exported(events)[0]["interaction"] == "State forces-Civilians"


def test_export_guards_formulas_and_import_takes_the_guard_off(tmp_path: Path) -> None:
    note = '=HYPERLINK("http://evil.example","x")'
    events = make_events(1, notes=note)
    assert exported(events)[0]["notes"] == "'" + note
    path = tmp_path / "out.csv"
    acled.write(S.validate(events), path)
    assert acled.read(path).iloc[0][S.NOTES] == note


# --- real exports (../shared/realdata) -----------------------------------------------------------
def raw_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_real_old_layout_reads_every_row_and_only_the_cut_off_last_row_fails() -> None:
    path = shared_file("realdata", "acled_2020_old_layout.csv")
    rows = raw_rows(path)
    events = pd.concat([c.events for c in acled.read_chunks(path)])
    assert len(events) == len(rows)
    with pytest.raises(ValidationError) as caught:
        S.validate(events)
    last_row = len(rows) + 1  # the header is row 1
    assert {p.row for p in caught.value.problems} == {last_row}
    assert rows[-1]["latitude"] == "" and rows[-1]["location"] == ""  # the file is cut off there
    good = S.validate(events.drop(index=last_row))
    assert good[S.COUNTRY].nunique() > 100  # the whole world, not only Syria
    # One archived row has no event_id_cnty; its data_id identifies it instead.
    ids = [r["event_id_cnty"] or f"ACLED-data_id-{r['data_id']}" for r in rows[:-1]]
    assert sorted(good[S.EVENT_ID]) == sorted(ids)
    codes = dict(zip(ids, (r["inter1"] for r in rows[:-1]), strict=True))
    labels = good.set_index(S.EVENT_ID)[S.INTER1]
    assert all(labels[eid] == S.ACTOR_TYPES[int(code)] for eid, code in codes.items())


def test_real_current_layout_two_rows() -> None:
    path = shared_file("realdata", "acled_current_layout_2rows.csv")
    events = S.validate(acled.read(path))
    rows = raw_rows(path)
    assert list(events[S.EVENT_ID]) == [r["event_id_cnty"] for r in rows]
    assert set(events[S.EVENT_DATE]) == {pd.Timestamp("2024-11-01")}
    assert list(events[S.INTER1]) == [r["inter1"] for r in rows]


def test_real_file_without_actor2_is_one_row_per_actor_and_joins_back() -> None:
    path = shared_file("realdata", "acled_current_layout_no_actor2.csv")
    rows = raw_rows(path)
    events = S.validate(acled.read(path)).set_index(S.EVENT_ID)
    assert len(events) == len({r["event_id_cnty"] for r in rows})
    for row in rows:
        event = events.loc[row["event_id_cnty"]]
        types = row["interaction"].removesuffix(" only").split("-")
        if row["interaction"].endswith(" only"):
            assert pd.isna(event[S.ACTOR2])
        else:
            assert sorted([event[S.INTER1], event[S.INTER2]]) == sorted(types)
            assert row["actor1"] in (event[S.ACTOR1], event[S.ACTOR2])


# --- every layout an analyst still holds (files of our own rows, in each layout's real columns) ---
# ACLED before its 2019 revision: ally_actor_*, gwno, no sub_event_type or source_scale, actor
# types as codes; re-saved by pandas, so a leading unnamed index column and codes written as 1.0.
LAYOUT_2016 = (
    ",gwno,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,actor1,"
    "ally_actor_1,inter1,actor2,ally_actor_2,inter2,interaction,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,notes,fatalities\n"
)
ROWS_2016 = [
    # index, id, date, type, actor1, ally1, inter1, actor2, ally2, inter2, interaction, notes, deaths
    ("0", "1SYR", "23/10/2016", "Battle-No change of territory", "Military Forces of Syria",
     "", "1.0", "Islamic State", "", "2.0", "12", "Made-up clash near the town.", "4"),
    ("1", "2SYR", "22/10/2016", "Remote violence", "Military Forces of Russia", "", "8.0",
     "", "", "0.0", "80", "Made-up note: warplanes struck the outskirts.", "0"),
    ("2", "3SYR", "21/10/2016", "Remote violence", "Unidentified Armed Group", "", "3.0",
     "Civilians (Syria)", "", "7.0", "37", "Made-up note: an IED went off by the road.", "1"),
    ("3", "4SYR", "20/10/2016", "Remote violence", "Unidentified Armed Group", "", "3.0", "",
     "", "0.0", "30", "Made-up note: an attack on a checkpoint.", "0"),
    ("4", "5SYR", "19/10/2016", "Riots/Protests", "Protesters (Syria)", "Teachers (Syria)",
     "6.0", "", "", "0.0", "60", "Made-up protest.", "0"),
    ("5", "6SYR", "18/10/2016", "Riots/Protests", "Rioters (Syria)", "", "5.0",
     "Civilians (Syria)", "", "7.0", "57", "Made-up riot against shops.", "0"),
    ("6", "7SYR", "17/10/2016", "Violence against civilians", "Islamic State", "", "2.0",
     "Civilians (Syria)", "", "7.0", "27", "Made-up attack.", "2"),
    ("7", "8SYR", "16/10/2016", "Strategic development", "Islamic State", "", "2.0", "", "",
     "0.0", "20", "Made-up announcement.", "0"),
    ("8", "9SYR", "15/10/2016", "Headquarters or base established", "Islamic State", "", "2.0",
     "", "", "0.0", "20", "Made-up base.", "0"),
    ("9", "10SYR", "14/10/2016", "Non-violent transfer of territory", "Islamic State", "",
     "2.0", "", "", "0.0", "20", "Made-up handover.", "0"),
    ("10", "11SYR", "13/10/2016", "Battle-Government regains territory",
     "Military Forces of Syria", "", "1.0", "Islamic State", "", "2.0", "12", "Made-up.", "0"),
]  # fmt: skip


def layout_2016_file(tmp_path: Path, rows: list[tuple[str, ...]] = ROWS_2016) -> Path:
    lines = [LAYOUT_2016]
    for index, eid, day, etype, a1, ally1, i1, a2, ally2, i2, inter, notes, deaths in rows:
        cells = [index, "652", eid, eid[:-3], day, "2016", "1", etype, a1, ally1, i1, a2, ally2,
                 i2, inter, "Syria", "Deir ez-Zor", "Al Mayadin", "", "Mayadin", "35.0198",
                 "40.4515", "1", "Test Outlet", notes, deaths]  # fmt: skip
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        lines.append(buffer.getvalue())
    return write(tmp_path, "".join(lines), "acled_2016.csv")


def test_a_2016_export_maps_its_event_types_to_todays_and_keeps_the_old_one_as_a_tag(
    tmp_path: Path,
) -> None:
    events = S.validate(acled.read(layout_2016_file(tmp_path))).set_index(S.EVENT_ID)
    got = {eid: (e[S.EVENT_TYPE], e[S.SUB_EVENT_TYPE]) for eid, e in events.iterrows()}
    assert got == {
        "1SYR": ("Battles", "Armed clash"),
        "2SYR": ("Explosions/Remote violence", "Air/drone strike"),
        "3SYR": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        "4SYR": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        "5SYR": ("Protests", "Peaceful protest"),
        "6SYR": ("Riots", "Mob violence"),
        "7SYR": ("Violence against civilians", "Attack"),
        "8SYR": ("Strategic developments", "Other"),
        "9SYR": ("Strategic developments", "Headquarters or base established"),
        "10SYR": ("Strategic developments", "Non-violent transfer of territory"),
        "11SYR": ("Battles", "Government regains territory"),
    }
    assert events.loc["2SYR", S.TAGS] == "pre-2019 event type=Remote violence"
    # The notes name no weapon: the sub-event is ACLED's most common one, and says so.
    assert events.loc["4SYR", S.TAGS] == (
        "pre-2019 event type=Remote violence; sub-event type assumed"
    )
    assert events.loc["5SYR", S.ASSOC_ACTOR_1] == "Teachers (Syria)"  # ally_actor_1
    assert (events.loc["1SYR", S.INTER1], events.loc["1SYR", S.INTER2]) == (
        "State forces",
        "Rebel group",
    )  # codes written 1.0 and 2.0
    assert events.loc["1SYR", S.EVENT_DATE] == pd.Timestamp("2016-10-23")


def test_a_2016_export_in_upper_case_columns_reads_the_same(tmp_path: Path) -> None:
    lower = layout_2016_file(tmp_path)
    upper = write(
        tmp_path,
        LAYOUT_2016.upper() + lower.read_text(encoding="utf-8").split("\n", 1)[1],
        "ACLED_2016_UPPER.csv",
    )
    a, b = S.validate(acled.read(lower)), S.validate(acled.read(upper))
    pd.testing.assert_series_equal(a[S.SUB_EVENT_TYPE], b[S.SUB_EVENT_TYPE])


def test_riots_protests_without_rioters_or_protesters_is_refused_naming_the_row(
    tmp_path: Path,
) -> None:
    row = ("0", "1SYR", "23/10/2016", "Riots/Protests", "Civilians (Syria)", "", "7.0", "", "",
           "0.0", "70", "Made-up.", "0")  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        acled.read(layout_2016_file(tmp_path, [row, ROWS_2016[0]]))
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, S.EVENT_TYPE)]
    assert "cannot tell Riots from Protests" in str(caught.value)


# A national export kept from before 2020: dates dd-mm-yy over 1997-2019, a countycode column and
# the numeric iso code.
NATIONAL_HEADER = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,timestamp,countycode\n"
)


def national_row(eid: str, day: str, year: str) -> str:
    return (
        f"{eid[3:]},760,{eid},{eid[3:]},{day},{year},1,Battles,Armed clash,"
        "Military Forces of Syria,,1,Islamic State,,2,12,Middle East,Syria,Deir ez-Zor,"
        "Al Mayadin,,Mayadin,35.0198,40.4515,1,Test Outlet,National,Made-up clash.,0,"
        "1577000000,SYR\n"
    )


def test_a_national_export_with_dd_mm_yy_dates_takes_the_century_from_the_year_column(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        NATIONAL_HEADER
        + national_row("SYR3", "31-12-19", "2019")
        + national_row("SYR2", "01-02-98", "1998")
        + national_row("SYR1", "05-03-97", "1997"),
    )
    events = S.validate(acled.read(path))
    assert list(events[S.EVENT_DATE]) == [
        pd.Timestamp("2019-12-31"),
        pd.Timestamp("1998-02-01"),  # day first, as 31-12-19 shows for the whole file
        pd.Timestamp("1997-03-05"),
    ]
    assert list(events[S.ISO]) == [760, 760, 760]


def test_a_two_digit_year_that_is_not_the_rows_year_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        NATIONAL_HEADER
        + national_row("SYR3", "31-12-19", "2019")
        + national_row("SYR2", "31-12-18", "2019"),
    )
    with pytest.raises(
        ValidationError, match=r"row 3, column event_date: '31-12-18' is not in 2019"
    ):
        acled.read(path)


def test_spreadsheet_serial_dates_read_as_their_day(tmp_path: Path) -> None:
    path = write_rows(tmp_path, [current_row("BGD1", "Rioters (Bangladesh)", "Rioters",
                                             event_date="44856")])  # fmt: skip
    assert S.validate(acled.read(path)).iloc[0][S.EVENT_DATE] == pd.Timestamp("2022-10-22")


def api_json(records: list[dict[str, str]]) -> str:
    return json.dumps({"status": 200, "success": True, "count": len(records), "data": records})


def test_the_api_json_reads_like_the_csv(tmp_path: Path) -> None:
    rows = [
        current_row("BGD1", "Rioters (Bangladesh)", "Rioters", event_date="2024-08-05",
                    actor2="Civilians (Bangladesh)", assoc_actor_2="", inter2="Civilians"),
        current_row("BGD2", "Rioters (Bangladesh)", "Rioters", event_date="2024-08-04",
                    actor2="Civilians (Bangladesh)", assoc_actor_2="", inter2="Civilians"),
    ]  # fmt: skip
    from_json = acled.read(write(tmp_path, api_json(rows), "acled_api.json"))
    from_csv = acled.read(write_rows(tmp_path, rows))
    a, b = S.validate(from_json), S.validate(from_csv)
    assert list(a[S.EVENT_ID]) == ["BGD1", "BGD2"]
    columns = [c for c in S.COLUMN_NAMES if c not in (S.CREATED_AT, S.UPDATED_AT)]
    pd.testing.assert_frame_equal(
        pd.DataFrame(a[columns]).reset_index(drop=True),
        pd.DataFrame(b[columns]).reset_index(drop=True),
    )


def test_an_api_error_answer_is_said_as_such(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        json.dumps({"status": 403, "success": False, "error": {"message": "Access denied"}}),
        "answer.json",
    )
    with pytest.raises(InputError, match=r"the ACLED API answered with an error.*Access denied"):
        acled.read_api_json(path)


def layout_files(tmp_path: Path) -> dict[str, Path]:
    """One file of our own rows in each ACLED layout, by name."""
    national = write(
        tmp_path,
        NATIONAL_HEADER
        + national_row("SYR3", "31-12-19", "2019")
        + national_row("SYR2", "01-02-98", "1998"),
        "acled_national.csv",
    )
    rows = [
        current_row("BGD1", "Rioters (Bangladesh)", "Rioters", event_date="05 August 2024"),
        current_row("BGD2", "Rioters (Bangladesh)", "Rioters", event_date="04 August 2024"),
    ]
    return {
        "2016": layout_2016_file(tmp_path),
        "national": national,
        "current": write_rows(tmp_path, rows),
        "api-json": write(tmp_path, api_json(rows), "acled_api.json"),
    }


@pytest.mark.parametrize("name", ["2016", "national", "current", "api-json"])
def test_every_layout_is_told_as_acled_imports_whole_and_again_adds_nothing(
    tmp_path: Path, name: str
) -> None:
    path = layout_files(tmp_path)[name]
    assert detect_format(path) == "acled"
    store = GeoPackageStore(tmp_path / "s.gpkg")
    report = import_file(path, store=store)
    assert report.rejected == [] and report.imported == report.read > 0
    again = import_file(path, store=store)
    assert (again.imported, again.skipped_existing) == (0, report.imported)


def test_todays_violence_against_civilians_keeps_its_sub_event_and_gets_no_old_type_tag(
    tmp_path: Path,
) -> None:
    row = current_row(
        "BGD1",
        "Rioters (Bangladesh)",
        "Rioters",
        event_type="Violence against civilians",
        sub_event_type="Abduction/forced disappearance",
    )
    event = S.validate(acled.read(write_rows(tmp_path, [row]))).iloc[0]
    assert event[S.SUB_EVENT_TYPE] == "Abduction/forced disappearance"
    assert pd.isna(event[S.TAGS])


def test_a_file_re_saved_twice_by_pandas_ignores_both_index_columns_and_says_so(
    tmp_path: Path,
) -> None:
    once = layout_2016_file(tmp_path).read_text(encoding="utf-8").splitlines()
    twice = [",Unnamed: 0" + once[0]] + [f"{i},{line}" for i, line in enumerate(once[1:])]
    path = write(tmp_path, "\n".join(twice) + "\n", "resaved.csv")
    report = import_file(path, store=GeoPackageStore(tmp_path / "s.gpkg"))
    assert report.imported == len(ROWS_2016) and report.rejected == []
    assert "unnamed column(s) '', 'Unnamed: 0' number the rows of a re-saved file: ignored" in (
        report.notes
    )

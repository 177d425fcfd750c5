"""Each grade format, read from small files written here and from the real data set."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management.base import CommandError

from grades.services import detect_format
from sources import grades as formats
from sources.codes import normalize_number, normalize_subject
from sources.importing import ImportReport

DATA = Path(settings.BT_DATA_DIR)
CALANSWERS_HEADER = (
    "\ufeffGrade Sort Nbr,Enrollment Cnt,% Grades Receivedof Enrollment,Letter Grd Cnt,Course Control Nbr,"
    "Instructor Name,Average Grade,Course Subject Short Nm,Course Number,Section Nbr,Grade Subtype Desc,"
    "Grade Type Desc,Grade Nm,Course Title Nm"
)


def calanswers_row(count, ccn, instructor, subject, number, section, kind, subtype, grade, title="Some Title"):
    return f"1,{count},,,{ccn},{instructor},,{subject},{number},{section},{subtype},{kind},{grade},{title}"


def test_formatted_rows_keep_every_instructor(tmp_path):
    path = tmp_path / "fall_2023.csv"
    path.write_text(
        ",".join(formats.FORMATTED_HEADER)
        + '\nEL ENG,120,1,001,Signals,"Ann Lee; Bo Chen",under,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n'
    )
    (record,) = formats.read_formatted(path)
    assert (record.subject, record.number, record.term.slug, record.level) == ("EL ENG", "120", "fall-2023", "under")
    assert record.instructors == ["Ann Lee", "Bo Chen"]
    assert record.counts["A+"] == 1
    assert record.counts["NP"] == 15


def test_calanswers_folds_long_rows_into_sections_and_keeps_w_and_i(tmp_path):
    rows = [
        calanswers_row(5, 111, "Ann Lee", "Computer Science", "61A", "001", "Letter Grade", "A", "A"),
        calanswers_row(3, 111, "Bo Chen", "Computer Science", "61A", "001", "Letter Grade", "B", "B+"),
        calanswers_row(2, 111, "Ann Lee", "Computer Science", "61A", "001", "Non-Letter Grade", "Credit", "Pass"),
        calanswers_row(1, 111, "Ann Lee", "Computer Science", "61A", "001", "Non-Letter Grade", "Credit", "Satisfactory"),
        calanswers_row(4, 111, "Ann Lee", "Computer Science", "61A", "001", "Non-Letter Grade", "Credit", "Honors"),
        calanswers_row(1, 111, "Ann Lee", "Computer Science", "61A", "001", "Non-Letter Grade", "No Credit", "Not Pass"),
        calanswers_row(2, 111, "Ann Lee", "Computer Science", "61A", "001", "Administrative Code", "Administrative Code", "Withdrawn"),
        calanswers_row(1, 111, "Ann Lee", "Computer Science", "61A", "001", "Administrative Code", "Administrative Code", "Incomplete"),
        calanswers_row(7, 111, "Ann Lee", "Computer Science", "61A", "001", "Unknown", "Unknown", "Unknown"),
    ]  # fmt: skip
    path = tmp_path / "spring_2031_under.csv"
    path.write_text(CALANSWERS_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    names = formats.subject_name_index({"COMPSCI": ["Computer Science"]})
    (record,) = formats.read_calanswers(path, names)
    assert record.subject == "COMPSCI"
    assert record.level == "under"
    assert record.instructors == ["Ann Lee", "Bo Chen"]
    assert {g: n for g, n in record.counts.items() if n} == {"A": 5, "B+": 3, "P": 3, "NP": 1, "W": 2, "I": 1}


def test_the_privacy_rule_drops_small_and_unanimous_sections():
    def record(level, **counts):
        return formats.GradeRecord("calanswers", "f", 1, None, "X", "1", level=level, counts=counts)

    assert formats.passes_privacy_rule(record("under", A=5, B=5))
    assert not formats.passes_privacy_rule(record("under", A=5, B=4))  # 9 graded students
    assert formats.passes_privacy_rule(record("grad", A=3, B=2))  # graduate files: 5 are enough
    assert not formats.passes_privacy_rule(record("grad", A=2, B=2))
    assert not formats.passes_privacy_rule(record("under", P=40))  # everyone got the same grade
    assert not formats.passes_privacy_rule(record("under", A=12, W=3))  # W is not a grade received


def test_calanswers_fall_2023_with_the_privacy_rule_equals_the_published_formatted_file():
    names = formats.subject_name_index(yaml.safe_load((DATA / "catalog" / "subjects.yaml").read_text()))
    report = ImportReport()
    raw = [
        record
        for name in ("fall_2023_under.csv", "fall_2023_grad.csv")
        for record in formats.read_calanswers(DATA / "grades" / "calanswers" / name, names, report)
    ]
    kept = {(r.ccn.lstrip("0"), r.section): r for r in raw if formats.passes_privacy_rule(r)}
    published = {
        (r.ccn.lstrip("0"), r.section): r for r in formats.read_formatted(DATA / "grades/formatted/fall_2023.csv")
    }
    assert report.rejections == []  # every subject name resolved, "FPF-Theater Dance & Perf Stds" included
    assert len(raw) > len(kept) == len(published) == 3149
    assert kept.keys() == published.keys()
    for key, section in published.items():
        mine = kept[key]
        assert {g: mine.counts[g] for g in formats.GRADES} == section.counts, key
        assert (normalize_subject(mine.subject), mine.number) == (normalize_subject(section.subject), section.number)


LEGACY_2007 = (
    "UC Berkeley Fall 2009 Course Grades,,,,,,,,,,,,,,,,,\r,,,,,,,,,,,,,,,,,\r"
    "CourseID,CNUM,SECTION,CDESC,INSTNAME,A +,A,A -,B +,B,B -,C +,C,C -,D +,D,D -,F\r"
    'AFRICAM, 004B,001,AFRICA:  HIST & CUL,"TAYLOR, U Y       ",3,11,13,10,12,7,4,3,4,2,1,0,1\r'
)
LEGACY_2011 = (
    "Grade Distribution for Fall 2011 Undergraduate Courses at UC Berkeley,,,\r,,,\rAcademic Year: 2011-2012,,\r"
    "DEPT,COURSE,COURSE NUMBER,COURSE SECTION,COURSE DESCRIPTION,INSTRUCTOR NAME,COURSE CONTROL NUMBER,A+,A,A-,B+,B,"
    "B-,C+,C,C-,D+,D,D-,F,PASS,NO PASS,TOTAL P/NP,INCOMPLETES,TOTAL GRADES FOR COURSE\r"
    '"A,RESEC",ENVECON, 100,001,MICROECON THEORY   ,"LIGON, E          ",01221,3,10,49,7,5,4,3,1,2,0,0,0,2,0,4,4,0,91\r'
)
LEGACY_2012 = (
    "Grade Distribution for Spring 2012 Undergraduate Courses at UC Berkeley\r\n\r\nSource: Cal Answers\r\n"
    "Semester Year Name Concat,Crs Academic Dept Short Nm,Course Subject Cd,Course Subject Short Nm,Course Number,"
    "Section Nbr,Course Title Nm,Instr Name Concat,Course Control Nbr,A+,A,A-,B+,B,B-,C+,C,C-,D+,D,D-,F,Pass,"
    "Satisfactory,Not Pass,Unsatisfactory,Incomplete,Total Grades for Course\r\n"
    "2012 Spring,African American Studies,AFRICAM,African American Studies,R1A,001,Fresh Composition,"
    "Aparajita Nanda; Ivy Mills,00503,,1,3,6,1,2,1,,,,,,,2,,,,,16\r\n"
)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("fall_2009.csv", LEGACY_2007, ("AFRICAM", "004B", "001", ["Taylor, U Y"], {"A+": 3, "F": 1, "P": 0})),
        ("fall_2011.csv", LEGACY_2011, ("ENVECON", "100", "001", ["Ligon, E"], {"A+": 3, "A": 10, "P": 0, "NP": 4})),
        ("spring_2012.csv", LEGACY_2012, ("AFRICAM", "R1A", "001", ["Aparajita Nanda", "Ivy Mills"], {"A+": 0, "A": 1, "P": 2})),
    ],
)  # fmt: skip
def test_each_legacy_layout(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    assert detect_format(path) == "legacy"
    (record,) = formats.read_legacy(path)
    subject, number, section, instructors, counts = expected
    assert (record.subject, normalize_number(record.number), record.section) == (
        subject,
        normalize_number(number),
        section,
    )
    assert record.instructors == instructors
    for grade, count in counts.items():
        assert record.counts[grade] == count
    assert record.line > 3  # preamble lines are skipped, and counted in line numbers


def test_every_real_legacy_file_reads():
    for path in sorted((DATA / "grades" / "legacy").glob("*.csv")):
        records = list(formats.read_legacy(path))
        assert len(records) > 500, path.name
        graded = [r for r in records if sum(r.counts.values()) > 0]
        assert len(graded) > 0.97 * len(records), path.name  # a few sections list only incompletes


def test_grade_history_entries_and_aggregates(tmp_path):
    path = tmp_path / "compsci-61a.json"
    path.write_text(
        '{"gradeHistory": [\n'
        '{"semester": "Fall 2025", "instructor": "John DeNero", "distribution": {"aPlus": 6, "a": 21, "p": 3, "np": 1}},\n'
        '{"semester": "All Semesters", "instructor": "All Instructors", "distribution": {"a": 100}}\n'
        '], "enrollmentHistory": []}'
    )
    report = ImportReport()
    (record,) = formats.read_history(path, report)
    assert (record.subject, record.number, record.term.slug) == ("COMPSCI", "61A", "fall-2025")
    assert record.counts["A+"] == 6
    assert record.counts["NP"] == 1
    assert record.counts["B"] == 0
    assert [str(r) for r in report.rejections] == [f"{path}:3: not a term: 'All Semesters'"]


def test_subject_names_resolve_prefixes_and_abbreviations():
    names = formats.SubjectNames(
        {"THEATER": ["Theater Dance and Performance Studies"], "ENGLISH": ["English"], "MCELLBI": ["Molecular & Cell Biology"]}
    )  # fmt: skip
    assert names.get("FPF-English") == "ENGLISH"
    assert names.get("Molecular and Cell Biology") == "MCELLBI"
    assert names.get("FPF-Theater Dance & Perf Stds") == "THEATER"
    assert names.get("Underwater Basket Weaving") is None


def test_format_detection_refuses_unknown_files(tmp_path):
    path = tmp_path / "fall_2031.csv"
    path.write_text("name,title\nx,y\n")
    with pytest.raises(CommandError, match="not a grade file of any known format"):
        detect_format(path)

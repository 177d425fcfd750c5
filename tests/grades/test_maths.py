import pytest

from grades.maths import GRADES, LETTERS, distribution, gpa, letter_for, summarize


def test_gpa_uses_berkeleys_scale_and_ignores_pass_no_pass():
    counts = {"A+": 1, "A": 1, "A-": 1, "B+": 1, "F": 1, "P": 50, "NP": 50}
    assert gpa(counts) == pytest.approx((4.0 + 4.0 + 3.7 + 3.3 + 0.0) / 5)


def test_no_letter_grades_means_no_gpa():
    assert gpa({"P": 10, "NP": 1}) is None
    assert letter_for(None) is None


@pytest.mark.parametrize(
    ("value", "letter"),
    [(4.0, "A"), (3.86, "A"), (3.85, "A-"), (3.7, "A-"), (3.21, "B+"), (3.15, "B"), (3.0, "B"), (2.51, "B-"),
     (2.3, "C+"), (2.0, "C"), (1.6, "C-"), (1.3, "D+"), (1.0, "D"), (0.6, "D-"), (0.5, "F"), (0.0, "F")],
)  # fmt: skip
def test_a_gpa_reads_as_the_nearest_grade(value, letter):
    assert letter_for(value) == letter


def test_percents_and_percentile_ranges_from_the_top():
    counts = {"A+": 10, "A": 30, "B": 40, "F": 10, "P": 5, "NP": 5}
    rows = {row["grade"]: row for row in distribution(counts)}
    assert [row["grade"] for row in distribution(counts)] == list(GRADES)
    assert rows["A+"] == {
        "grade": "A+", "count": 10, "percent": 10.0, "percentile_low": 0.9, "percentile_high": 1.0, "top": 10.0,
    }  # fmt: skip
    assert (rows["A"]["percentile_low"], rows["A"]["percentile_high"]) == (0.6, 0.9)
    assert (rows["A-"]["count"], rows["A-"]["percentile_low"], rows["A-"]["percentile_high"]) == (0, 0.6, 0.6)
    assert (rows["B"]["percentile_low"], rows["B"]["percentile_high"]) == (0.2, 0.6)
    assert (rows["NP"]["percentile_low"], rows["NP"]["percentile_high"]) == (0.0, 0.05)
    assert sum(row["percent"] for row in rows.values()) == pytest.approx(100)


def test_each_letter_reads_as_a_share_of_the_class_that_did_as_well_or_better():
    counts = {"A+": 10, "A": 30, "B": 40, "F": 10, "P": 5, "NP": 5}
    rows = {row["grade"]: row for row in distribution(counts)}
    assert (rows["A+"]["top"], rows["A"]["top"], rows["A-"]["top"], rows["B"]["top"]) == (10.0, 40.0, 40.0, 80.0)
    assert rows["F"]["top"] == 90.0  # P and NP are not ranked against letters
    assert (rows["P"]["top"], rows["NP"]["top"]) == (None, None)


def test_letter_grades_only_leave_pass_no_pass_out_of_the_percents():
    counts = {"A": 30, "B": 10, "P": 50, "NP": 10}
    summary = summarize(counts, sections=1, grades=LETTERS)
    rows = {row["grade"]: row for row in summary["distribution"]}
    assert list(rows) == list(LETTERS)
    assert summary["total"] == 40
    assert (rows["A"]["percent"], rows["A"]["top"], rows["B"]["top"]) == (75.0, 75.0, 100.0)


def test_summary_counts_letter_and_pass_no_pass_students():
    summary = summarize({"A": 3, "B": 1, "P": 2}, sections=2)
    assert summary["total"] == 6
    assert summary["sections"] == 2
    assert summary["gpa"] == 3.75
    assert summary["letter"] == "A-"


def test_an_empty_distribution_is_all_zeros():
    summary = summarize({}, sections=0)
    assert summary["total"] == 0
    assert summary["gpa"] is None
    assert all(row["percent"] == 0 for row in summary["distribution"])

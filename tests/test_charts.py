"""The chart kit (berkeleytime/charts.py): ticks, and what every chart carries."""

import re

import pytest

from berkeleytime import charts


@pytest.mark.parametrize(
    ("low", "high", "most", "whole", "ticks"),
    [
        (0, 93, 5, False, [0, 20, 40, 60, 80, 100]),
        (0, 100, 5, False, [0, 20, 40, 60, 80, 100]),
        (0, 1269, 5, True, [0, 500, 1000, 1500]),
        (0, 7, 4, True, [0, 2, 4, 6, 8]),
        (2.61, 3.42, 5, False, [2.6, 2.8, 3.0, 3.2, 3.4, 3.6]),
        (0, 3.2, 4, False, [0, 1, 2, 3, 4]),
        (0, 0, 5, False, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 12.5, 5, False, [0, 2.5, 5, 7.5, 10, 12.5]),
        (0, 12.5, 5, True, [0, 5, 10, 15]),
    ],
)
def test_ticks_are_round_values_covering_the_data(low, high, most, whole, ticks):
    found = charts.nice_ticks(low, high, most, whole)
    assert found == ticks
    assert found[0] <= low
    assert found[-1] >= high
    assert len(found) - 1 <= most


def test_ticks_read_as_numbers():
    axis = charts.Axis.nice(0, 1269, whole=True)
    assert [label for _, label in axis.ticks] == ["0", "500", "1,000", "1,500"]
    assert [label for _, label in charts.Axis.nice(0, 40, suffix="%").ticks][-1] == "40%"


def test_a_bar_chart_carries_each_value_as_title_name_and_tip_in_two_drawings():
    # given two series over three categories
    bars = [
        charts.Bars("Fall", "#003262", [(10, "Fall: A 10%"), (20, "Fall: B 20%"), (0, "Fall: C 0%")]),
        charts.Bars("Spring", "#b45309", [(5, "Spring: A 5%"), (15, "Spring: B 15%"), (30, "Spring: C 30%")]),
    ]
    # when drawn
    html = str(charts.bar_chart("Grades", "Fall: A 10%, B 20%", ["A", "B", "C"], bars, charts.Axis.nice(0, 30)))
    # then both sizes are there, each with its title, description and six values
    assert html.count("<svg") == 2
    assert 'class="chart wide"' in html
    assert 'class="chart compact"' in html
    assert html.count("<title") == 2 + 2 * 6
    assert html.count("<desc") == 2
    assert html.count('data-tip="Spring: C 30%"') == 2
    assert html.count('aria-label="Fall: B 20%"') == 2
    assert html.count('tabindex="0"') == 12


def test_text_is_escaped():
    html = str(
        charts.bar_chart("<b>", "a & b", ["<A>"], [charts.Bars("x", "#000", [(1, "<tip>")])], charts.Axis.nice(0, 1))
    )
    assert "<b>" not in html
    assert "<A>" not in html
    assert "<tip>" not in html
    assert "&lt;tip&gt;" in html


def test_a_line_chart_draws_marks_gaps_and_highlights():
    points = [charts.Point(x, x * 2, f"day {x}", highlight=x == 3) for x in (1, 2, 3, 20, 21)]
    chart = charts.line_chart(
        "Enrollment",
        "",
        [charts.Line("61A", "#003262", points, dots=False, gap=10)],
        charts.Axis(1, 21, [(1, "1"), (21, "21")]),
        charts.Axis.nice(0, 42),
        marks=[charts.Mark(2, "P1", "Phase 1 starts")],
    )
    html = str(chart)
    assert html.count('<g class="mark">') == 2
    assert html.count('class="gap"') == 2  # days 3 to 20: no data between
    assert html.count("highlight") == 2
    assert len(re.findall(r'<circle class="value dot"', html)) == 2 * 3  # hidden until hovered


def test_a_chart_with_many_values_keeps_them_out_of_the_tab_order():
    points = [charts.Point(x, x, f"{x}") for x in range(charts.MAX_FOCUSABLE + 1)]
    axis = charts.Axis.nice(0, charts.MAX_FOCUSABLE)
    html = str(charts.line_chart("t", "d", [charts.Line("l", "#000", points)], axis, axis))
    assert "tabindex" not in html
    assert html.count("data-tip=") == 2 * len(points)


def test_the_legend_names_each_series():
    html = str(charts.legend([("COMPSCI 61A", "#003262"), ("Waitlisted", "#003262", True)]))
    assert html.count("<li") == 2
    assert 'class="key dashed"' in html
    assert 'class="key box"' in str(charts.legend([("Fall", "#003262")], shape="box"))


def test_a_sparkline_draws_the_latest_curve_over_an_earlier_one_with_a_rule():
    html = str(charts.sparkline([([(0, 10), (5, 50)], ""), ([(0, 20), (9, 90)], "earlier")], 100, rule=100))
    assert html.startswith('<svg class="sparkline"')
    assert 'aria-hidden="true"' in html
    assert html.index('class="earlier"') < html.index("<path d=")  # the latest is drawn on top
    assert html.count("<circle") == 1
    assert '<line class="full"' in html


def test_a_chart_drawn_twice_on_a_page_keeps_its_ids_unique():
    chart = charts.bar_chart("Same", "same", ["A"], [charts.Bars("x", "#000", [(1, "1")])], charts.Axis.nice(0, 1))
    html = str(chart) + str(chart)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == 8
    assert len(set(ids)) == 8


def test_mark_labels_a_few_days_apart_take_rows_of_their_own():
    # given Phase 1 of four terms, a day or two apart, and Phase 2 far away
    points = [charts.Point(x, x, f"day {x}") for x in range(1, 120)]
    days = {"P1 Fa25": 10, "P1 Fa24": 11, "P1 Fa23": 13, "P1 Fa26": 14, "P2 Fa25": 100}
    chart = charts.line_chart(
        "Enrollment", "", [charts.Line("61A", "#003262", points)],
        charts.Axis(1, 119, [(1, "1"), (119, "119")]), charts.Axis.nice(0, 119),
        marks=[charts.Mark(x, label, label) for label, x in days.items()],
    )  # fmt: skip
    # when it is drawn
    wide = re.search(r"<svg.*?</svg>", str(chart), re.S).group(0)
    rows = {
        label: float(y)
        for y, label in re.findall(r'<g class="mark">.*?<text x="[^"]+" y="([^"]+)"[^>]*>([^<]+)</text>', wide)
    }
    # then the close labels are each on a row of their own, and the far one shares the first row
    assert len({rows[label] for label in ("P1 Fa25", "P1 Fa24", "P1 Fa23", "P1 Fa26")}) == 4
    assert rows["P2 Fa25"] == rows["P1 Fa25"]

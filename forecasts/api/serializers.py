from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forecasts.model import METHOD
from forecasts.models import FillForecast

STATUSES = ["forecast", "withheld", "full", "none"]


class FillForecastSerializer(serializers.ModelSerializer):
    day = serializers.SerializerMethodField(
        help_text="The forecast date as a day number from Phase 1's start (its first day is day 1)."
    )
    phase = serializers.CharField(help_text="Where the date falls: 'Phase 2 (day 6)', '118 days after Phase 1 began'.")
    interval = serializers.SerializerMethodField(help_text="The 80% interval: low and high dates.")
    chance = serializers.FloatField(allow_null=True, help_text="Chance that the course fills at all, 0 to 1.")
    basis = serializers.SerializerMethodField(help_text="What the forecast was made from.")

    class Meta:
        model = FillForecast
        fields = ["data_through", "full_since", "date", "day", "phase", "interval", "chance", "basis"]

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_day(self, forecast) -> int | None:
        phases = getattr(forecast.term, "enrollment_phases", None)
        if forecast.date is None or phases is None or phases.phase_1_start is None:
            return None
        return (forecast.date - phases.phase_1_start).days + 1

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "low": {"type": "string", "format": "date"},
                "high": {"type": "string", "format": "date"},
                "coverage": {"type": "number", "description": "The share of fill days such intervals hold: 0.8."},
            },
        }
    )
    def get_interval(self, forecast) -> dict | None:
        if forecast.low is None or forecast.high is None:
            return None
        return {"low": forecast.low.isoformat(), "high": forecast.high.isoformat(), "coverage": 0.8}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"past_terms": {"type": "integer"}, "method": {"type": "string"}},
        }
    )
    def get_basis(self, forecast) -> dict:
        return {"past_terms": forecast.past_terms, "method": METHOD}


class ForecastAnswerSerializer(serializers.Serializer):
    """A course's fill forecast in a term, or why there is none."""

    course = serializers.CharField(source="course.code", help_text="Canonical code, e.g. COMPSCI 61A.")
    term = serializers.SerializerMethodField(help_text="Term slug, e.g. fall-2026; null when nothing is forecast.")
    status = serializers.ChoiceField(
        choices=STATUSES,
        help_text="forecast: a date is shown; withheld: numbers kept but no date shown (see reason); "
        "full: full already (full_since); none: no forecast for this course and term.",
    )
    reason = serializers.CharField(help_text="Why no date is shown, in one line; empty when one is.")
    forecast = FillForecastSerializer(allow_null=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_term(self, answer) -> str | None:
        return answer["term"].slug if answer["term"] else None

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forecasts.model import METHOD
from forecasts.models import FillForecast

STATUSES = ["forecast", "withheld", "full", "none"]


class FillForecastSerializer(serializers.ModelSerializer):
    day = serializers.SerializerMethodField(help_text="The forecast date as a day of the enrollment phases.")
    interval = serializers.SerializerMethodField(help_text="The 80% interval: low and high dates.")
    chance = serializers.FloatField(allow_null=True, help_text="Chance that the course fills at all, 0 to 1.")
    basis = serializers.SerializerMethodField(help_text="What the forecast was made from.")

    class Meta:
        model = FillForecast
        fields = ["data_through", "full_since", "date", "day", "phase", "interval", "chance", "basis"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_day(self, forecast) -> str | None:
        return forecast.phase or None

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"low": {"type": "string", "format": "date"}, "high": {"type": "string", "format": "date"}},
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

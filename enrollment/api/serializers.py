from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enrollment.models import PHASE_FIELDS, EnrollmentPoint, EnrollmentSnapshot


class EnrollmentSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnrollmentSnapshot
        fields = ["recorded_at", "enrolled", "capacity", "waitlisted"]


class EnrollmentPointSerializer(serializers.ModelSerializer):
    enrolled_percent = serializers.FloatField(allow_null=True, help_text="Enrolled as a percentage of capacity.")

    class Meta:
        model = EnrollmentPoint
        fields = ["date", "day", "enrolled", "enrolled_percent", "waitlisted", "capacity"]


@extend_schema_field(
    {
        "type": "object",
        "properties": {name: {"type": "string", "format": "date", "nullable": True} for name, _, _ in PHASE_FIELDS},
    }
)
class PhasesField(serializers.DictField):
    pass


class EnrollmentSeriesSerializer(serializers.Serializer):
    """A course's enrollment over one term's enrollment period."""

    course = serializers.CharField(source="course.code", help_text="Canonical code, e.g. COMPSCI 61A.")
    title = serializers.CharField(source="course.display_title")
    term = serializers.SerializerMethodField(help_text="Term slug, e.g. fall-2025; null when the course has no data.")
    term_name = serializers.SerializerMethodField()
    capacity = serializers.IntegerField(allow_null=True, help_text="The latest known capacity.")
    points = EnrollmentPointSerializer(many=True, help_text="One point per day, oldest first.")
    as_of = serializers.SerializerMethodField(
        help_text="When the latest counts were true: the SIS sync's time (ISO 8601), or the latest point's date."
    )
    snapshots = EnrollmentSnapshotSerializer(
        many=True, required=False, help_text="With ?resolution=snapshot: every change the SIS sync saw, oldest first."
    )
    phases = PhasesField(source="phase_dict", help_text="The term's enrollment phase dates; null until set.")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_as_of(self, series) -> str | None:
        return series.as_of.isoformat() if series.as_of else None

    def to_representation(self, series):
        data = super().to_representation(series)
        if series.snapshots is None:
            data.pop("snapshots", None)
        return data

    @extend_schema_field({"type": "string", "nullable": True})
    def get_term(self, series) -> str | None:
        return series.term.slug if series.term else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_term_name(self, series) -> str | None:
        return series.term.name if series.term else None


class EnrollmentComparisonSerializer(serializers.Serializer):
    selections = EnrollmentSeriesSerializer(many=True)


class EnrollmentTermSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    points = serializers.IntegerField(source="point_count")
    first_date = serializers.DateField()
    last_date = serializers.DateField()


class EnrollmentTermsSerializer(serializers.Serializer):
    course = serializers.CharField(source="course.code")
    terms = EnrollmentTermSerializer(many=True)

from rest_framework import serializers

from schedules import generator

TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
BLOCK = r"^[^~]{1,60}~[A-Za-z ]{1,20}~([01][0-9]|2[0-3]):[0-5][0-9]~([01][0-9]|2[0-3]):[0-5][0-9]$"


class PreferencesSerializer(serializers.Serializer):
    not_before = serializers.RegexField(TIME, required=False, help_text="No classes before this time (HH:MM)")
    not_after = serializers.RegexField(TIME, required=False, help_text="No classes after this time (HH:MM)")
    ranking = serializers.ListField(
        child=serializers.ChoiceField(choices=generator.RANKINGS), required=False, max_length=4,
        help_text="What ranks first: fewer_days, open_seats, compact (fewer gaps), later_start",
    )  # fmt: skip


class GenerateRequestSerializer(PreferencesSerializer):
    term = serializers.CharField(max_length=16, help_text="A term slug with sections, like summer-2026")
    courses = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=8,
        help_text="Course codes (any spelling, like COMPSCI 61A) or ids",
    )  # fmt: skip
    blocks = serializers.ListField(
        child=serializers.RegexField(BLOCK), required=False, max_length=12,
        help_text="Custom blocks as TITLE~DAYS~HH:MM~HH:MM, like Work~MW~09:00~12:00",
    )  # fmt: skip
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=20, default=10, help_text="How many to return"
    )


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    days = serializers.ListField(child=serializers.CharField())
    start_time = serializers.TimeField(allow_null=True)
    end_time = serializers.TimeField(allow_null=True)
    location = serializers.CharField()
    instructor = serializers.CharField()
    enrolled = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    meetings = serializers.JSONField()
    exams = serializers.JSONField()


class GeneratedCourseSerializer(serializers.Serializer):
    course = serializers.CharField()
    sections = SectionSerializer(many=True)
    alternatives = serializers.IntegerField(help_text="How many bundles meet at exactly these times")


class ScoreSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    gap_minutes = serializers.IntegerField()
    full_sections = serializers.IntegerField()
    earliest = serializers.IntegerField(help_text="Minutes after midnight")


class CombinationSerializer(serializers.Serializer):
    courses = GeneratedCourseSerializer(many=True)
    score = ScoreSerializer()


class GenerateResponseSerializer(serializers.Serializer):
    term = serializers.CharField()
    found = serializers.IntegerField()
    truncated = serializers.BooleanField()
    message = serializers.CharField(allow_blank=True)
    combinations = CombinationSerializer(many=True)


class ChosenCourseSerializer(serializers.Serializer):
    course = serializers.CharField(max_length=40, help_text="A course code or id")
    sections = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False, max_length=8,
        help_text="Section ids: a lecture first, then its associated sections",
    )  # fmt: skip


class ScheduleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    term = serializers.CharField(max_length=16)
    courses = ChosenCourseSerializer(many=True, required=False, max_length=12)
    blocks = serializers.ListField(child=serializers.RegexField(BLOCK), required=False, max_length=12)
    preferences = PreferencesSerializer(required=False)


class ConflictSerializer(serializers.Serializer):
    kind = serializers.CharField()
    first = serializers.CharField()
    second = serializers.CharField()
    day = serializers.CharField()
    text = serializers.CharField()


class PlannedCourseSerializer(serializers.Serializer):
    course = serializers.CharField()
    sections = SectionSerializer(many=True)


class ScheduleSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    term = serializers.CharField()
    courses = PlannedCourseSerializer(many=True)
    blocks = serializers.ListField(child=serializers.CharField())
    preferences = serializers.JSONField()
    conflicts = ConflictSerializer(many=True)
    page_url = serializers.CharField(allow_null=True)
    share_url = serializers.CharField(allow_null=True)
    calendar_url = serializers.CharField(allow_null=True)
    feed_url = serializers.CharField(allow_null=True)

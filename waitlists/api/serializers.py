from rest_framework import serializers


class PastTermSerializer(serializers.Serializer):
    term = serializers.CharField(source="term.slug", help_text="Term slug, e.g. fall-2025.")
    term_name = serializers.CharField(source="term.name")
    moved = serializers.IntegerField(
        help_text="Students enrolled from the waitlist after the comparable day, up to the horizon."
    )
    cleared = serializers.BooleanField(help_text="Whether the waitlist moved at least as far as the position.")


class WaitlistOddsSerializer(serializers.Serializer):
    """The chance a waitlist position clears, or the reason there is none."""

    course = serializers.CharField(source="course.code", help_text="Canonical code, e.g. COMPSCI 61A.")
    position = serializers.IntegerField()
    term = serializers.CharField(source="term.slug", allow_null=True, help_text="The term answered for.")
    day = serializers.IntegerField(allow_null=True, help_text="Days after Phase 1 began that the position is on.")
    as_of = serializers.DateField(allow_null=True, help_text="That day's date.")
    phase = serializers.CharField(help_text="Where that day falls: 'Phase 1 (day 6)'.")
    chance = serializers.FloatField(
        allow_null=True, help_text="0 to 1: the chance of clearing by the horizon; null when there is no answer."
    )
    percent = serializers.IntegerField(allow_null=True, help_text="The chance in whole percent, 1 to 99.")
    past_terms = serializers.SerializerMethodField(help_text="The earlier terms with a waitlist it rests on.")
    summary = serializers.CharField(help_text="The answer, or the reason there is none, in one sentence.")
    reason = serializers.CharField(help_text="Why there is no answer; empty when there is one.")
    horizon = serializers.SerializerMethodField(help_text="What 'clears' and 'the end of the adjustment period' mean.")

    def get_past_terms(self, odds) -> list[dict]:
        return [{**PastTermSerializer(past).data, "cleared": past.cleared(odds.position)} for past in odds.past_terms]

    def get_horizon(self, odds) -> str:
        from waitlists.selectors import HORIZON_NOTE

        return HORIZON_NOTE

from rest_framework import serializers

from ..models import MAX_WAITLIST_POSITION


class CountsSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    open = serializers.IntegerField(allow_null=True, help_text="capacity - enrolled, never below 0")
    waitlisted = serializers.IntegerField(allow_null=True)


class LastSeenSerializer(CountsSerializer):
    as_of = serializers.DateTimeField(help_text="When the SIS sync saw these counts")


class AlertSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(help_text="The sync's time for the change reported")
    seat_opened = serializers.BooleanField()
    waitlist_passed = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["pending", "sent", "capped", "failed"])
    sent_at = serializers.DateTimeField(allow_null=True)
    before = CountsSerializer(source="change.before")
    after = CountsSerializer(source="change.after")


class FollowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.CharField(source="course.code")
    title = serializers.CharField(source="course.display_title")
    term = serializers.CharField(source="term.slug")
    term_name = serializers.CharField(source="term.name")
    section = serializers.SerializerMethodField(help_text='"LEC 001"; null follows the class (its primary sections)')
    seats = serializers.BooleanField(source="watch_seats", help_text="Email when a seat opens")
    waitlist_position = serializers.IntegerField(allow_null=True)
    waitlist_moved = serializers.IntegerField(
        help_text="Students seen leaving the waitlist's front since (a lower bound)"
    )
    waitlist_passed_at = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    last_seen = LastSeenSerializer(allow_null=True)
    alerts = AlertSerializer(many=True, source="alerts.all")

    def get_section(self, follow) -> str | None:
        return f"{follow.section.kind} {follow.section.number}" if follow.section_id else None


class FollowRequestSerializer(serializers.Serializer):
    course = serializers.CharField(max_length=60, help_text='A course code as the catalog writes it: "COMPSCI 61A"')
    term = serializers.SlugField(
        max_length=16, required=False, help_text="A term's slug (summer-2026); omitted: the course's coming term"
    )
    section = serializers.CharField(
        max_length=24, required=False, allow_blank=True, help_text='"LEC 001"; omitted: the class (any primary section)'
    )
    seats = serializers.BooleanField(default=True, help_text="Email when a seat opens")
    waitlist_position = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_WAITLIST_POSITION,
        help_text="Your place on the waitlist: email once that many students have left its front",
    )  # fmt: skip

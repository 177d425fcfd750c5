from django.urls import reverse
from rest_framework import serializers

from berkeleytime.context_processors import MAIN_URLCONF
from search import query
from search.selectors import DEFAULT_LIMIT, MAX_LIMIT


class SearchParamsSerializer(serializers.Serializer):
    """The query string: ``q`` (what the student typed) and ``limit``."""

    q = serializers.CharField(max_length=query.MAX_LENGTH, trim_whitespace=False)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)

    def validate_q(self, value: str) -> str:
        try:
            return query.clean(value)
        except query.InvalidQuery as exc:
            raise serializers.ValidationError(str(exc)) from None


class HitSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    score = serializers.FloatField()
    highlight = serializers.CharField(help_text="Safe HTML: the matched words in <mark>, everything else escaped.")
    matched = serializers.CharField(help_text='What matched: "code", "title", "instructors", "description" or "".')
    url = serializers.SerializerMethodField(help_text="The course's page on the main site.")

    def get_url(self, hit) -> str:
        return reverse("course", urlconf=MAIN_URLCONF, kwargs={"subject": hit.subject, "number": hit.number})


class ResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    backend = serializers.ChoiceField(choices=["postgres", "elasticsearch"])
    results = HitSerializer(many=True, source="hits")

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

    def to_representation(self, hit) -> dict:
        # The fields above describe the answer (the OpenAPI schema); building it
        # directly is twenty times faster than DRF's field by field walk, and a
        # search answers ten of these on every keystroke.
        return {
            "code": hit.code,
            "title": hit.title,
            "score": float(hit.score),
            "highlight": hit.highlight,
            "matched": hit.matched,
            "url": self.get_url(hit),
        }


class ResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    backend = serializers.ChoiceField(choices=["postgres", "elasticsearch"])
    results = HitSerializer(many=True, source="hits")

    def to_representation(self, results) -> dict:
        hit = HitSerializer()
        return {
            "query": results.query,
            "backend": results.backend,
            "results": [hit.to_representation(h) for h in results.hits],
        }

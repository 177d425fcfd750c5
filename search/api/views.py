from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from berkeleytime.caching import CachedJSONMixin
from search import selectors
from search.query import InvalidQuery

from .serializers import ResultsSerializer, SearchParamsSerializer


class SearchView(CachedJSONMixin, generics.GenericAPIView):
    """Courses for what a student typed, best first: codes in any form ("cs61a", "EL ENG 120", "data c8"),
    titles and topics, instructors, everyday subject names ("mcb 32"), with typos forgiven."""

    serializer_class = ResultsSerializer
    pagination_class = None
    filter_backends = []

    @property
    def cache_prefix(self) -> str:
        # Answers of one backend are never served as the other's after ELASTICSEARCH_URL changes.
        return f"search-{selectors.configured_backend()}"

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="What to look for, at most 200 characters"),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": selectors.MAX_LIMIT},
                description=f"How many courses, 1 to {selectors.MAX_LIMIT}",
            ),
        ]
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            results = selectors.search(params.validated_data["q"], params.validated_data["limit"])
        except InvalidQuery as exc:
            raise ValidationError({"q": [str(exc)]}) from None
        return Response(ResultsSerializer(results).data)

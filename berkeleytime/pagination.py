from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


def positive_int_param(request, name: str, default: int | None, maximum: int | None = None) -> int | None:
    """Read a positive integer query parameter or answer 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"must be a positive integer, got {raw[:40]!r}."]}) from None
    if value < 1:
        raise ValidationError({name: ["must be a positive integer."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"must be at most {maximum}."]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page-number pagination, with bad page numbers and sizes answered by 400."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return positive_int_param(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        positive_int_param(request, self.page_query_param, 1)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: {"minimum": 1}, self.page_size_query_param: {"minimum": 1}}
        bounds[self.page_size_query_param]["maximum"] = self.max_page_size
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

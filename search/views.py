"""The search page on the search host: a form, and the results rendered on the server."""

from django.shortcuts import render
from django.urls import reverse

from berkeleytime.context_processors import MAIN_URLCONF, site_links

from . import selectors
from .query import InvalidQuery

PAGE_LIMIT = 25


def search_page(request):
    text = request.GET.get("q", "")
    context = {"q": text, "results": None, "error": None}
    status = 200
    if text.strip():
        try:
            results = selectors.search(text, PAGE_LIMIT)
        except InvalidQuery as exc:
            context["error"], status = str(exc), 400
        else:
            main = site_links(request)["links"]["home"].rstrip("/")
            for hit in results.hits:
                path = reverse("course", urlconf=MAIN_URLCONF, kwargs={"subject": hit.subject, "number": hit.number})
                hit.url = main + path
            context["results"] = results
    return render(request, "search/search.html", context, status=status)

from django.conf import settings
from django.urls import reverse

MAIN_URLCONF = "berkeleytime.urls"


def _site(request, host: str) -> str:
    """'' when the request is already on ``host``, else its absolute origin (keeping a dev port)."""
    current = request.get_host()
    name, _, port = current.partition(":")
    if name.lower() == host.lower():
        return ""
    return f"{request.scheme}://{host}{':' + port if port else ''}"


def site_links(request) -> dict:
    """Links of the main site that work from every host (templates on the search
    and dashboard hosts cannot reverse the main URLconf's names)."""
    on_main = getattr(request, "urlconf", None) in (None, MAIN_URLCONF)
    main = "" if on_main else _site(request, settings.BT_MAIN_HOST)
    return {
        "links": {
            "home": main + reverse("home", urlconf=MAIN_URLCONF),
            "catalog": main + reverse("catalog", urlconf=MAIN_URLCONF),
            "grades": main + reverse("grades", urlconf=MAIN_URLCONF),
            "enrollment": main + reverse("enrollment", urlconf=MAIN_URLCONF),
            "schedules": main + reverse("schedules", urlconf=MAIN_URLCONF),
            "api_docs": main + reverse("v1:api-docs", urlconf=MAIN_URLCONF),
            "search": _site(request, settings.BT_SEARCH_HOST) + "/",
        }
    }

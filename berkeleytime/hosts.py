"""Host routing: search.<domain> and dashboard.<domain> get their own URLconfs.

The main host (and any other allowed host) uses berkeleytime.urls. The other
sites' URLconfs each include the probes, so Kubernetes can check any pod.
"""

from django.conf import settings


class HostRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.urlconfs = {
            settings.BT_SEARCH_HOST.lower(): "search.site_urls",
            settings.BT_DASHBOARD_HOST.lower(): "dashboard.site_urls",
        }

    def __call__(self, request):
        host = request.get_host().rsplit(":", 1)[0].lower() if request.META.get("HTTP_HOST") else ""
        urlconf = self.urlconfs.get(host)
        if urlconf:
            request.urlconf = urlconf
        return self.get_response(request)

"""Who a request comes from, for rate limits and sign-in lockouts.

Behind the ingress every request's REMOTE_ADDR is the ingress itself; the client
is the address our proxies append to X-Forwarded-For. TRUSTED_PROXY_COUNT says
how many of those proxies stand in front of the app, so the client is that many
entries from the right: whatever a client writes into the header itself stays
further left and is ignored, and a forged header cannot make one client many.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

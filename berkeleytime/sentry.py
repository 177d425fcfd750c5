"""Error reports to Sentry, only when SENTRY_DSN is set: with no DSN nothing is sent anywhere.

Events carry the environment (BT_ENVIRONMENT) and the release (BT_RELEASE: the
image tag the chart deploys), so an error can be traced to the build that
raised it. No personal data (cookies, user names, IP addresses) is attached.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration


def init_sentry(dsn: str, environment: str, release: str, traces_sample_rate: float = 0.0) -> bool:
    """Start the Sentry client; returns whether it was started."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
    )
    return True

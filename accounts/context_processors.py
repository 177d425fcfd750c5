from django.conf import settings


def account(request) -> dict:
    """Whether the header shows the student's account links: only on the main host, the
    one whose session cookie holds a student's sign-in."""
    on_main = getattr(request, "urlconf", None) in (None, "berkeleytime.urls")
    return {"allowed_domain": settings.ACCOUNT_ALLOWED_DOMAIN, "account_links": on_main}

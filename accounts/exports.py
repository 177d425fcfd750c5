"""Everything we keep about a student, as one JSON document (the account page's download
and GET /api/v1/me/export/).

The user's own rows are written here; every app that keeps more about a student adds a
function (user) -> dict to settings.BT_ACCOUNT_EXPORTS, whose keys join the document.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import SavedList


def profile(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def _sign_ins(user) -> list[dict]:
    from allauth.socialaccount.models import SocialAccount

    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "date_joined": account.date_joined.isoformat(),
            "last_login": account.last_login.isoformat() if account.last_login else None,
            "claims": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]


def saved_courses(user) -> dict:
    lists = SavedList.objects.filter(user=user).prefetch_related("items__course").order_by("-is_default", "name", "pk")
    return {
        "lists": [
            {
                "id": saved.pk,
                "name": saved.name,
                "default": saved.is_default,
                "created_at": saved.created_at.isoformat(),
                "courses": [
                    {"code": item.course.code, "title": item.course.title, "added_at": item.added_at.isoformat()}
                    for item in saved.items.all()
                ],
            }
            for saved in lists
        ]
    }


def export(user) -> dict:
    document = {
        "exported_at": timezone.now().isoformat(),
        "user": profile(user),
        "sign_ins": _sign_ins(user),
    }
    for path in settings.BT_ACCOUNT_EXPORTS:
        document.update(import_string(path)(user))
    return document

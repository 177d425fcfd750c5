"""Students' own pages: the account page (sign out everywhere, export, deletion), My
courses (lists of saved courses), and the bookmark control's form target.

None of these pages is cached (berkeleytime.caching skips signed-in students), and each
reads and changes the signed-in student's rows only."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import services
from .exports import export


def sign_in_url(next_path: str) -> str:
    from django.utils.http import urlencode

    return f"{reverse('account_login')}?{urlencode({'next': next_path})}"


def student_required(view):
    """Signed-out visitors go to the sign-in page, and come back here after it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(sign_in_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target)


@require_GET
@student_required
def account_page(request):
    return render(request, "accounts/account.html")


@require_POST
@student_required
def sign_out_everywhere(request):
    """Every session of the user's ends: Django checks each session against a hash of the
    user's password field, which a new unusable password changes."""
    user = request.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    logout(request)
    return redirect("home")


@require_GET
@student_required
def export_download(request):
    body = json.dumps(export(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="berkeleytime-account.json"'
    response["Cache-Control"] = "no-store"
    return response


def delete_user(request) -> None:
    """The user and, through CASCADE foreign keys, every row they own; then signs out."""
    user = request.user
    with transaction.atomic():
        user.delete()
    logout(request)


@require_POST
@student_required
def delete_account(request):
    confirm = request.POST.get("confirm", "").strip().lower()
    if confirm != (request.user.email or "").lower():
        context = {"delete_error": "Type your email address exactly to confirm."}
        return render(request, "accounts/account.html", context, status=400)
    delete_user(request)
    return redirect("home")


def my_courses(request):
    context = {}
    if request.user.is_authenticated:
        services.default_list(request.user)
        context["lists"] = services.lists_with_courses(request.user)
    response = render(request, "accounts/my_courses.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _my_courses_refusing(request, error: services.InvalidList):
    """My courses again, with the list form's error: a 400, nothing changed."""
    context = {"lists": services.lists_with_courses(request.user), "list_error": error.message}
    return render(request, "accounts/my_courses.html", context, status=400)


@require_POST
@student_required
def create_list(request):
    try:
        saved = services.create_list(request.user, request.POST.get("name"))
    except services.InvalidList as error:
        return _my_courses_refusing(request, error)
    messages.info(request, f"Created the list {saved.name}.")
    return redirect("my-courses")


@require_POST
@student_required
def rename_list(request, list_id: int):
    try:
        saved = services.rename_list(request.user, list_id, request.POST.get("name"))
    except services.ListNotFound:
        return render(request, "404.html", status=404)
    except services.InvalidList as error:
        return _my_courses_refusing(request, error)
    messages.info(request, f"Renamed the list to {saved.name}.")
    return redirect("my-courses")


@require_POST
@student_required
def delete_list(request, list_id: int):
    try:
        services.delete_list(request.user, list_id)
    except services.ListNotFound:
        return render(request, "404.html", status=404)
    messages.info(request, "Deleted the list.")
    return redirect("my-courses")


@require_POST
def bookmark(request):
    """Save a course (action=add, into ``list`` or the default list) or take it out
    (action=remove, of ``list`` or of every list); back to ``next``."""
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request.POST.get("next") or reverse("my-courses")))
    course = services.find_course(request.POST.get("course"))
    if course is None:
        return render(request, "404.html", status=404)
    action = request.POST.get("action", "add")
    try:
        if action == "remove":
            services.remove_course(request.user, course, request.POST.get("list"))
        elif action == "add":
            services.add_course(request.user, course, request.POST.get("list"))
        else:
            return HttpResponse("action must be add or remove.", status=400, content_type="text/plain")
    except services.ListNotFound:
        return render(request, "404.html", status=404)
    except services.InvalidList as error:
        return HttpResponse(error.message, status=400, content_type="text/plain")
    return _back(request, reverse("my-courses"))


def bookmark_control(request, course, saved_ids: set[int], lists=None, next_path: str | None = None) -> str:
    """The Save / Saved control for one course (course cards and course pages)."""
    from django.middleware.csrf import get_token

    user = request.user
    context = {
        "user": user,
        "course": course,
        "saved": course.pk in saved_ids,
        "lists": lists or [],
        "next": next_path or request.get_full_path(),
        "sign_in_url": reverse("account_login"),
        "action": reverse("bookmark"),
        "csrf_token": get_token(request) if user.is_authenticated else "",
    }
    return render_to_string("accounts/_bookmark.html", context)

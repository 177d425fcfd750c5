"""Seat alerts' pages: the student's alerts (what they follow, the last change each saw,
the emails sent), the forms that follow, change, stop and delete, and the unsubscribe
link of every email.

Every change is a POST; the signed-in ones carry the CSRF token. The unsubscribe link is
authorised by its signed token alone (no session, so nothing for CSRF to protect), and
opening it changes nothing: a mail scanner that fetches it stops no alert."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.views import sign_in_url, student_required

from . import mail, selectors, services
from .forms import FollowForm, WatchForm


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@student_required
def alerts_page(request):
    context = {"follows": selectors.follows_of(request.user), "daily_cap": settings.ALERT_DAILY_CAP}
    return _no_store(render(request, "alerts/alerts.html", context))


def _back(request) -> HttpResponseRedirect:
    """To the page the form was on (a course page), else the alerts page."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("alerts")
    return HttpResponseRedirect(target)


def _first_error(form) -> str:
    field, errors = next(iter(form.errors.items()))
    return f"{field.replace('_', ' ')}: {errors[0]}"


@require_POST
def follow(request):
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request.POST.get("next") or reverse("alerts")))
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not followed. {_first_error(form)}")
        return _back(request)
    data = form.cleaned_data
    try:
        course, term, section = services.target(data["course"], data["term"], data["section"])
        found = services.follow(request.user, course, term, section, data["seats"], data["waitlist_position"])
    except services.InvalidFollow as error:
        messages.error(request, f"Not followed. {error.message}")
        return _back(request)
    messages.info(request, f"Following {mail.follow_label(found)}.")
    return _back(request)


def _own(request, follow_id: int):
    """The student's own follow; another student's or an unknown id is the site's 404."""
    found = selectors.get_follow(request.user, follow_id)
    if found is None:
        raise Http404("no such follow")
    return found


@require_POST
@student_required
def change(request, follow_id: int):
    found = _own(request, follow_id)
    form = WatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not changed. {_first_error(form)}")
        return redirect("alerts")
    try:
        services.change(found, form.cleaned_data["seats"], form.cleaned_data["waitlist_position"])
    except services.InvalidFollow as error:
        messages.error(request, f"Not changed. {error.message}")
        return redirect("alerts")
    messages.info(request, f"Changed what you follow of {mail.follow_label(found)}.")
    return redirect("alerts")


def _set_active(active: bool, said: str):
    @require_POST
    @student_required
    def view(request, follow_id: int):
        found = _own(request, follow_id)
        services.set_active(found, active)
        messages.info(request, f"{said} {mail.follow_label(found)}.")
        return redirect("alerts")

    return view


stop = _set_active(False, "No more alerts for")
resume = _set_active(True, "Alerts again for")


@require_POST
@student_required
def delete(request, follow_id: int):
    found = _own(request, follow_id)
    label = mail.follow_label(found)
    found.delete()
    messages.info(request, f"Removed {label} and its alerts.")
    return redirect("alerts")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a page with one button. POST (that button, or a mail client's one-click
    List-Unsubscribe-Post): the follow stops."""
    found = mail.follow_for_token(token)
    if found is None:
        return _no_store(render(request, "alerts/unsubscribe.html", {"invalid": True}, status=404))
    context = {"follow": found, "label": mail.follow_label(found)}
    if request.method == "POST":
        services.set_active(found, False)
        context["done"] = True
    return _no_store(render(request, "alerts/unsubscribe.html", context))

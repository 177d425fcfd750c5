"""The Save control on course cards and course pages: a small POST form that works
without JavaScript. Signed out, a link to sign in that comes back to the same page."""

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from . import services
from .models import SavedList


class Bookmarks:
    """What one request needs to draw many controls: the student's saved course ids and
    lists, read once."""

    def __init__(self, request, next_path: str | None = None):
        self.request = request
        self.user = request.user
        self.signed_in = bool(self.user is not None and self.user.is_authenticated)
        self.next = next_path or request.get_full_path()
        if self.signed_in:
            self.saved = services.saved_course_ids(self.user)
            self.lists = list(SavedList.objects.filter(user=self.user).values_list("pk", "name"))
            self.token = get_token(request)
            self.action = reverse("bookmark")
        else:
            self.sign_in = f"{reverse('account_login')}?{urlencode({'next': self.next})}"

    def control(self, course) -> SafeString:
        if not self.signed_in:
            return format_html(
                '<a class="bookmark" href="{}">Save<span class="visually-hidden"> {} (sign in first)</span></a>',
                self.sign_in, course.code,
            )  # fmt: skip
        saved = course.pk in self.saved
        hidden = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="course" value="{}"><input type="hidden" name="next" value="{}">'
            '<input type="hidden" name="action" value="{}">',
            self.token, course.code, self.next, "remove" if saved else "add",
        )  # fmt: skip
        if saved:
            button = format_html(
                '<button type="submit" class="bookmark-button" aria-pressed="true">Saved'
                '<span class="visually-hidden"> {}: press to remove it from your lists</span></button>',
                course.code,
            )
            return format_html(
                '<form method="post" action="{}" class="bookmark">{}{}</form>', self.action, hidden, button
            )
        picker = mark_safe("")  # noqa: S308 - empty
        if len(self.lists) > 1:
            options = format_html_join("", '<option value="{}">{}</option>', self.lists)
            picker = format_html(
                '<label class="visually-hidden" for="bm-{}">List for {}</label><select id="bm-{}" name="list">{}</select>',
                course.pk, course.code, course.pk, options,
            )  # fmt: skip
        button = format_html(
            '<button type="submit" class="bookmark-button" aria-pressed="false">Save<span class="visually-hidden"> {}</span></button>',
            course.code,
        )
        return format_html(
            '<form method="post" action="{}" class="bookmark">{}{}{}</form>', self.action, hidden, picker, button
        )

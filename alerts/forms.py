"""What the follow forms on the course page and the alerts page post."""

from django import forms

from .models import MAX_WAITLIST_POSITION


class WatchForm(forms.Form):
    seats = forms.BooleanField(required=False)
    waitlist_position = forms.IntegerField(required=False, min_value=1, max_value=MAX_WAITLIST_POSITION)


class FollowForm(WatchForm):
    course = forms.CharField(max_length=60)
    term = forms.SlugField(max_length=16, required=False)
    section = forms.CharField(required=False, max_length=24)

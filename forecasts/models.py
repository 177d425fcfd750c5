"""The coming term's fill forecasts, stored: the model trains on every earlier term, which
takes seconds, so forecasts are refreshed after enrollment imports and syncs
(services.refresh_forecasts) and pages and the API only read them."""

from __future__ import annotations

from django.db import models

from catalog.models import Course, Term


class FillForecastQuerySet(models.QuerySet):
    def for_course(self, course: Course) -> FillForecastQuerySet:
        return self.filter(course=course)

    def in_term(self, term: Term) -> FillForecastQuerySet:
        return self.filter(term=term)

    def shown(self) -> FillForecastQuerySet:
        return self.filter(withheld="")


class FillForecast(models.Model):
    """When a course is forecast to reach its capacity in a term, from the data through
    ``data_through``: the median day with an 80% interval and the chance that it fills
    at all. ``withheld`` says in one line why no date is shown, when none is (too little
    history, unlikely to fill, an interval too wide to plan by); the numbers are kept
    anyway for the API. ``full_since`` is set instead when the course is full already."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="fill_forecasts")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="fill_forecasts")
    data_through = models.DateField()
    full_since = models.DateField(null=True, blank=True)
    chance = models.FloatField(null=True, blank=True, help_text="Chance that it fills at all, 0 to 1.")
    date = models.DateField(null=True, blank=True)
    low = models.DateField(null=True, blank=True)
    high = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=60, blank=True)
    past_terms = models.PositiveSmallIntegerField(default=0)
    withheld = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField()

    objects = FillForecastQuerySet.as_manager()

    class Meta:
        ordering = ["course", "term"]
        constraints = [models.UniqueConstraint(fields=["course", "term"], name="fill_forecast_one_per_term")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.term_id}: {self.date or self.withheld or self.full_since}"

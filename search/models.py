from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from catalog.models import Course


class CourseDocument(models.Model):
    """What the postgres backend searches for one course, refreshed after every import (search.documents).

    ``vector`` holds everything, weighted: the code and title (A), the
    transcript title, subject name and everyday names (B), instructors (C) and
    description (D); a query must match it. ``title_vector`` (A and B) and
    ``names_vector`` (C) are its small parts, kept apart so that ranking can
    ask where the words matched without reading the long descriptions again.
    """

    course = models.OneToOneField(Course, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    title = models.CharField(max_length=255, blank=True)  # the title shown: full, else the transcript title
    instructors = models.TextField(blank=True)  # every name that taught it, "; " between names
    nicknames = models.TextField(blank=True)  # everyday names its title does not say (shorthand.yaml), "; " between
    # 0 for a course nobody took, about 1 for the most taken: log10(1 + students) / 5.
    popularity = models.FloatField(default=0)
    # How much the course reads as a first course (search.shorthand): 0.5 for lower division, 0.5 more when
    # its title or the opening of its description says so. Lifts it for "intro psych", "stats 101".
    introductory = models.FloatField(default=0)
    # Its place in a sequence: 1 for "Calculus I" or MATH 16A, 2 for "Calculus II" or MATH 16B.
    place = models.PositiveSmallIntegerField(null=True, blank=True)
    vector = SearchVectorField(null=True)
    title_vector = SearchVectorField(null=True)
    names_vector = SearchVectorField(null=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="search_document_vector"),
            GinIndex(fields=["title"], name="search_document_title_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return f"search document of course {self.course_id}"


class Word(models.Model):
    """A word that occurs in titles, descriptions or instructor names: what typos are corrected to."""

    word = models.CharField(max_length=64, primary_key=True)
    frequency = models.PositiveIntegerField(default=0)

    class Meta:
        # GIN: for the few words nearest a typo it answers in a millisecond where GiST took ten.
        indexes = [GinIndex(fields=["word"], name="search_word_trgm_gin", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return self.word

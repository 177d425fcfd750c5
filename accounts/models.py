"""What a student keeps: named lists of saved courses.

Every row a student owns reaches their user through a CASCADE foreign key, so
deleting the account (accounts.views.delete_account) deletes it all.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

DEFAULT_LIST_NAME = "Saved courses"


class SavedListQuerySet(models.QuerySet):
    def of(self, user) -> "SavedListQuerySet":
        return self.filter(user=user)


class SavedList(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_lists")
    name = models.CharField(max_length=80)
    # The list a bookmark goes to when the student picks none.
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    courses = models.ManyToManyField("catalog.Course", through="SavedCourse", related_name="+")

    objects = SavedListQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_list_unique_name"),
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="saved_list_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"


class SavedCourse(models.Model):
    saved_list = models.ForeignKey(SavedList, on_delete=models.CASCADE, related_name="items")
    course = models.ForeignKey("catalog.Course", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["saved_list", "course"], name="saved_course_unique")]

    def __str__(self) -> str:
        return f"{self.course_id} in {self.saved_list_id}"

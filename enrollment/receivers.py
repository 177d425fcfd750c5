"""How the enrollment app follows the catalog."""

from .models import EnrollmentPoint


def on_course_merged(sender, old_id: int, new_id: int, **kwargs) -> None:
    """The old course's enrollment history becomes the new course's; where both
    have a point for the same term and day, the new course's is kept."""
    taken = set(EnrollmentPoint.objects.filter(course_id=new_id).values_list("term_id", "date"))
    old_points = EnrollmentPoint.objects.filter(course_id=old_id).values_list("id", "term_id", "date")
    EnrollmentPoint.objects.filter(id__in=[pk for pk, *key in old_points if tuple(key) in taken]).delete()
    EnrollmentPoint.objects.filter(course_id=old_id).update(course_id=new_id)

"""How the grades app follows the catalog."""

from .models import Grade


def on_course_merged(sender, old_id: int, new_id: int, **kwargs) -> None:
    """The old course's grade rows become the new course's. A row the new course
    already has (the same source and section in the same term) is the same
    section and is dropped; which source wins for a term is the grade import's
    to settle, and it runs after the catalog's."""
    taken = set(Grade.objects.filter(course_id=new_id).values_list("term_id", "source", "source_key"))
    old_rows = Grade.objects.filter(course_id=old_id).values_list("id", "term_id", "source", "source_key")
    duplicates = [row_id for row_id, *key in old_rows if tuple(key) in taken]
    Grade.objects.filter(id__in=duplicates).delete()
    Grade.objects.filter(course_id=old_id).update(course_id=new_id)

"""Saved courses: the lists a student keeps, read and changed for one user at a time.

Every function takes the user and only ever touches that user's rows: a list id that
belongs to someone else is the same as one that does not exist (ListNotFound).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from catalog.models import Course, Section

from .models import DEFAULT_LIST_NAME, SavedCourse, SavedList

NAME_MAX_LENGTH = 80
MAX_LISTS = 50
MAX_COURSES_PER_LIST = 200


class ListNotFound(Exception):
    pass


class InvalidList(ValueError):
    """A list name or change that cannot be kept; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def default_list(user) -> SavedList:
    found = SavedList.objects.filter(user=user, is_default=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return SavedList.objects.create(user=user, name=_free_name(user, DEFAULT_LIST_NAME), is_default=True)
    except IntegrityError:  # made by a concurrent request
        return SavedList.objects.get(user=user, is_default=True)


def _free_name(user, name: str) -> str:
    taken = set(SavedList.objects.filter(user=user).values_list("name", flat=True))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def get_list(user, list_id) -> SavedList:
    try:
        return SavedList.objects.get(user=user, pk=int(list_id))
    except (SavedList.DoesNotExist, TypeError, ValueError, OverflowError):
        raise ListNotFound(list_id) from None


def clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise InvalidList("name", "A list needs a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidList("name", f"A list's name has at most {NAME_MAX_LENGTH} characters.")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidList("name", "A list's name cannot hold control characters.")
    return name


def create_list(user, name) -> SavedList:
    name = clean_name(name)
    if SavedList.objects.filter(user=user).count() >= MAX_LISTS:
        raise InvalidList("name", f"At most {MAX_LISTS} lists.")
    try:
        with transaction.atomic():
            return SavedList.objects.create(user=user, name=name)
    except IntegrityError:
        raise InvalidList("name", f"You already have a list named {name!r}.") from None


def rename_list(user, list_id, name) -> SavedList:
    saved = get_list(user, list_id)
    name = clean_name(name)
    if SavedList.objects.filter(user=user, name=name).exclude(pk=saved.pk).exists():
        raise InvalidList("name", f"You already have a list named {name!r}.")
    saved.name = name
    saved.save(update_fields=["name", "updated_at"])
    return saved


def delete_list(user, list_id) -> None:
    get_list(user, list_id).delete()


def add_course(user, course: Course, list_id=None) -> tuple[SavedList, bool]:
    """Save ``course`` in the list (the default one when None); whether it was new there."""
    saved = default_list(user) if list_id in (None, "") else get_list(user, list_id)
    if SavedCourse.objects.filter(saved_list=saved).count() >= MAX_COURSES_PER_LIST:
        raise InvalidList("course", f"A list holds at most {MAX_COURSES_PER_LIST} courses.")
    _, created = SavedCourse.objects.get_or_create(saved_list=saved, course=course)
    if created:
        saved.save(update_fields=["updated_at"])
    return saved, created


def remove_course(user, course: Course, list_id=None) -> int:
    """Take ``course`` out of the list, or out of every list of the user's when None; how many removed."""
    items = SavedCourse.objects.filter(saved_list__user=user, course=course)
    if list_id not in (None, ""):
        items = items.filter(saved_list=get_list(user, list_id))
    deleted, _ = items.delete()
    return deleted


def saved_course_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(SavedCourse.objects.filter(saved_list__user=user).values_list("course_id", flat=True))


def seats(course_ids) -> dict[int, dict]:
    """Each course's seats in the latest term it has sections in: enrolled, capacity and
    open seats summed over its primary sections (lectures; discussions and labs would count a
    student twice), with the term."""
    rows = (
        Section.objects.filter(course_id__in=course_ids, parent__isnull=True)
        .values("course_id", "term_id", "term__sort_key", "term__year", "term__season", "term__slug")
        .annotate(enrolled=Sum("enrolled"), capacity=Sum("capacity"), waitlisted=Sum("waitlisted"))
        .order_by("course_id", "-term__sort_key")
    )
    found: dict[int, dict] = {}
    for row in rows:
        if row["course_id"] in found:
            continue
        enrolled, capacity = row["enrolled"] or 0, row["capacity"] or 0
        found[row["course_id"]] = {
            "term": row["term__slug"],
            "term_name": f"{row['term__season'].title()} {row['term__year']}",
            "enrolled": enrolled,
            "capacity": capacity,
            "open": max(capacity - enrolled, 0),
            "waitlisted": row["waitlisted"] or 0,
        }
    return found


def lists_with_courses(user) -> list[dict]:
    """Every list of the user's with its courses, each with its all-terms GPA and current seats."""
    lists = list(SavedList.objects.filter(user=user).order_by("-is_default", "name", "pk"))
    items = list(
        SavedCourse.objects.filter(saved_list__user=user)
        .values("saved_list_id", "course_id", "added_at")
        .order_by("added_at", "pk")
    )
    course_ids = {item["course_id"] for item in items}
    courses = {c.pk: c for c in Course.objects.for_listing().filter(pk__in=course_ids)}
    seat_counts = seats(course_ids)
    by_list: dict[int, list] = {saved.pk: [] for saved in lists}
    for item in items:
        course = courses[item["course_id"]]
        by_list[item["saved_list_id"]].append(
            {"course": course, "added_at": item["added_at"], "seats": seat_counts.get(course.pk)}
        )
    return [{"list": saved, "items": by_list[saved.pk]} for saved in lists]


def find_course(code) -> Course | None:
    """A course by its code as the catalog writes it ("COMPSCI 61A") or by "SUBJECT/NUMBER"."""
    from catalog.models import lookup_course

    code = str(code or "").strip()
    if not code or len(code) > 60 or any(ord(c) < 32 for c in code):
        return None
    if "/" in code:
        subject, _, number = code.rpartition("/")
    else:
        subject, _, number = code.rpartition(" ")
    if not subject or not number:
        return None
    return lookup_course(subject.strip(), number.strip()) or Course.objects.filter(Q(code__iexact=code)).first()

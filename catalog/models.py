from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from sources.codes import normalize_number, normalize_subject
from sources.terms import TermRef


class Subject(models.Model):
    """A subject area, keyed by its canonical compact code ('COMPSCI', 'ELENG', 'L&S')."""

    code = models.CharField(max_length=16, primary_key=True)
    name = models.CharField(max_length=200, blank=True)
    # Every spelling the sources use for this subject: "EL ENG", "ELENG", ...
    spellings = ArrayField(models.CharField(max_length=32), default=list, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class TermQuerySet(models.QuerySet):
    def by_slug(self, slug: str) -> "Term":
        ref = TermRef.from_slug(slug)
        return self.get(year=ref.year, season=ref.season)


class Term(models.Model):
    SEASON_CHOICES = [("spring", "Spring"), ("summer", "Summer"), ("fall", "Fall")]

    year = models.PositiveSmallIntegerField()
    season = models.CharField(max_length=6, choices=SEASON_CHOICES)
    slug = models.SlugField(max_length=16, unique=True)
    sort_key = models.PositiveIntegerField(db_index=True)
    # From the SIS Term API (sis_sync terms): instruction, and the self-service enrollment window.
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    enroll_begin = models.DateField(null=True, blank=True)
    enroll_end = models.DateField(null=True, blank=True)
    # Set once the SIS has listed the term's classes: from then on its sections are
    # the SIS's (sis_sync classes and enrollment), and the file importer leaves them be.
    sections_synced_at = models.DateTimeField(null=True, blank=True)
    # When the term's section counts were true: the listing file's date, or the last sync.
    counts_as_of = models.DateTimeField(null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["-sort_key"]
        constraints = [models.UniqueConstraint(fields=["year", "season"], name="term_unique_year_season")]

    def __str__(self) -> str:
        return self.name

    @property
    def ref(self) -> TermRef:
        return TermRef.of(self.season, self.year)

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def sis_id(self) -> str:
        """The SIS's four-digit term id: '2' + two-digit year + season (2 spring, 5 summer, 8 fall)."""
        return self.ref.sis_id

    def enrollment_open(self, day) -> bool:
        """Whether ``day`` falls in the term's self-service enrollment window (from the SIS)."""
        return bool(self.enroll_begin and self.enroll_end and self.enroll_begin <= day <= self.enroll_end)

    @classmethod
    def values_for(cls, ref: TermRef) -> dict:
        return {"year": ref.year, "season": ref.season, "slug": ref.slug, "sort_key": ref.sort_key}


class Requirement(models.Model):
    KIND_CHOICES = [
        ("ls_breadth", "L&S breadth"),
        ("american_cultures", "American Cultures"),
        ("university", "University requirement"),
    ]

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


LEVEL_CHOICES = [
    ("lower", "Lower division"),
    ("upper", "Upper division"),
    ("graduate", "Graduate"),
    ("professional", "Professional"),
]


class CourseQuerySet(models.QuerySet):
    def in_subject(self, subject: str) -> "CourseQuerySet":
        return self.filter(subject_id=normalize_subject(subject))

    def at_level(self, level: str) -> "CourseQuerySet":
        return self.filter(level=level)

    def with_units(self, units: Decimal) -> "CourseQuerySet":
        return self.filter(units_min__lte=units, units_max__gte=units)

    def satisfying(self, requirement: "Requirement") -> "CourseQuerySet":
        return self.filter(requirements=requirement)

    def offered_in(self, term: Term) -> "CourseQuerySet":
        return self.filter(terms=term)

    def matching_prefix(self, text: str, also: Q | None = None) -> "CourseQuerySet":
        """Prefix match on the code ('COMPSCI 6', 'compsci6', 'EL ENG 1') or on any word of the
        title; ``also`` adds another way to match (catalog.typed reads everyday subject names).

        Each way is its own indexed query and the course ids are their union: one query
        with the ways OR-ed reads every course and runs the title pattern on each."""
        text = " ".join(text.split())
        if not text:
            return self
        compact = text.replace(" ", "").upper()
        ids = Course.objects.order_by().values("pk")
        branches = [
            ids.filter(code__startswith=text.upper()),
            ids.filter(code_compact__startswith=compact),
            ids.filter(number__startswith=compact),
            CourseAlias.objects.order_by().filter(code_compact__startswith=compact).values("course_id"),
        ]
        if len(text) > 1:  # one letter starts a word of most titles: it is read as a code only
            # The trigram index finds the titles that contain the text; the pattern keeps word starts.
            branches.append(ids.filter(title__icontains=text, title__iregex=r"\m" + _regex_escape(text)))
        if also is not None:
            branches.append(ids.filter(also))
        return self.filter(pk__in=branches[0].union(*branches[1:]))

    def in_catalog_order(self) -> "CourseQuerySet":
        return self.order_by("subject_id", "number_digits", "number")

    def for_listing(self) -> "CourseQuerySet":
        """What a list of courses shows: the course's own columns and its all-terms GPA."""
        return self.only(
            "code", "subject_id", "number", "title", "abbreviated_title", "units_min", "units_max", "level",
            "has_grades",
        ).annotate(gpa=models.F("grade_summary__gpa"), grade_letter=models.F("grade_summary__letter"),
                   graded_students=models.F("grade_summary__total"))  # fmt: skip


def _regex_escape(text: str) -> str:
    import re

    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


class Course(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="courses")
    number = models.CharField(max_length=16)
    # Canonical "COMPSCI 61A", and the same without the space for prefix matching.
    code = models.CharField(max_length=40, unique=True)
    code_compact = models.CharField(max_length=40, db_index=True)
    number_digits = models.PositiveIntegerField(null=True)
    level = models.CharField(max_length=16, choices=LEVEL_CHOICES, db_index=True)
    title = models.CharField(max_length=255, blank=True)
    abbreviated_title = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    units_min = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    units_max = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    prerequisites = models.TextField(blank=True)
    # Refreshed by the grade importer so listings need no aggregate per request.
    has_grades = models.BooleanField(default=False, db_index=True)
    # Set once the SIS Course API has described the course (sis_sync courses): its
    # title, description, units and prerequisites are then the SIS's, which the file
    # importer leaves be; the codes the SIS lists it with are linked as cross-listings.
    sis_synced_at = models.DateTimeField(null=True, blank=True)
    sis_cross_listed = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    cross_listings = models.ManyToManyField("self", symmetrical=True, blank=True)
    # The lowest id among the course and its cross-listings: one class under
    # several codes shares one group, and its grades are counted together.
    listing_group = models.BigIntegerField(null=True, blank=True, db_index=True)
    requirements = models.ManyToManyField(Requirement, blank=True, related_name="courses")
    terms = models.ManyToManyField(Term, blank=True, related_name="courses")

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["subject_id", "number_digits", "number"]
        constraints = [models.UniqueConstraint(fields=["subject", "number"], name="course_unique_subject_number")]
        indexes = [
            models.Index(fields=["subject", "number_digits", "number"], name="course_catalog_order"),
            GinIndex(fields=["title"], name="course_title_trgm", opclasses=["gin_trgm_ops"]),
            # A number typed alone ("61a") is looked up in every subject.
            models.Index(fields=["number"], name="course_number"),
            # ...and the catalog's text box matches number prefixes ("61" lists 61A, 61B...).
            models.Index(fields=["number"], name="course_number_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def units(self) -> str:
        """'4', '1-4' or '' when unknown."""
        if self.units_min is None:
            return ""
        low, high = _plain(self.units_min), _plain(self.units_max)
        return low if low == high else f"{low}-{high}"

    @property
    def display_title(self) -> str:
        return self.title or self.abbreviated_title

    def listing_ids(self) -> list[int]:
        """The ids of every code this class is listed under (cross-listings), its own included."""
        if self.listing_group is None:
            return [self.id]
        if not hasattr(self, "_listing_ids"):
            self._listing_ids = list(
                Course.objects.filter(listing_group=self.listing_group).values_list("id", flat=True)
            )
        return self._listing_ids

    def former_codes(self) -> list[dict]:
        """[{'codes': ['ELENG 126', 'EL ENG 126'], 'until': Term}, ...]: the codes the course
        had before its current one, each with the last term taught under it, latest first."""
        formers: dict[int | None, list[CourseAlias]] = {}
        for alias in self.aliases.all():
            if alias.kind == CourseAlias.FORMER:
                formers.setdefault(alias.last_term_id, []).append(alias)
        found = [
            {
                "codes": [a.code for a in sorted(aliases, key=lambda a: (" " in a.code.rpartition(" ")[0], a.code))],
                "until": aliases[0].last_term,
            }
            for aliases in formers.values()
        ]
        return sorted(found, key=lambda f: -(f["until"].sort_key if f["until"] else 0))

    def spellings(self) -> list[str]:
        return [alias.code for alias in self.aliases.all() if alias.kind == CourseAlias.SPELLING]


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(value.normalize()) if value != value.to_integral() else str(int(value))


class CourseAlias(models.Model):
    """Another code that answers for a course: a spelling ('EL ENG 120' for
    'ELENG 120') or a former code ('ELENG 126', which became 'EECS 126')."""

    SPELLING, FORMER = "spelling", "former"
    KIND_CHOICES = [(SPELLING, "Another spelling"), (FORMER, "A former code")]

    code = models.CharField(max_length=40, unique=True)
    code_compact = models.CharField(max_length=40, db_index=True)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=8, choices=KIND_CHOICES, default=SPELLING)
    # A former code: the last term the course was taught under it.
    last_term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} -> {self.course.code}"


def lookup_course(subject: str, number: str, aliases: bool = True) -> Course | None:
    """Find a course by any spelling of its code: canonical, alias (unless ``aliases`` is
    false) or compact."""
    canonical = f"{normalize_subject(subject)} {normalize_number(number)}"
    if "\x00" in canonical:  # typed into a URL; PostgreSQL refuses it in any text
        return None
    course = Course.objects.filter(code=canonical).first()
    if course is None and aliases:
        alias = CourseAlias.objects.select_related("course").filter(code_compact=canonical.replace(" ", "")).first()
        course = alias.course if alias else None
    return course


def lookup_courses(codes: list[tuple[str, str]]) -> dict[tuple[str, str], Course]:
    """``lookup_course`` for several (subject, number) pairs in two queries: the found ones."""
    canonical = {pair: f"{normalize_subject(pair[0])} {normalize_number(pair[1])}" for pair in codes}
    canonical = {pair: code for pair, code in canonical.items() if "\x00" not in code}
    by_code = Course.objects.in_bulk(list(canonical.values()), field_name="code")
    missing = {code.replace(" ", ""): pair for pair, code in canonical.items() if code not in by_code}
    by_alias = {}
    if missing:
        aliases = CourseAlias.objects.select_related("course").filter(code_compact__in=list(missing))
        by_alias = {missing[alias.code_compact]: alias.course for alias in aliases}
    found = {pair: by_code[code] for pair, code in canonical.items() if code in by_code}
    return {**by_alias, **found}


class Section(models.Model):
    """A scheduled class section (lecture, discussion, lab...) of a course in a term."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="subsections")
    kind = models.CharField(max_length=8)
    number = models.CharField(max_length=16)
    class_number = models.PositiveIntegerField(null=True, blank=True)
    days = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    instructor = models.CharField(max_length=200, blank=True)
    enrolled = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    waitlisted = models.PositiveIntegerField(null=True, blank=True)
    waitlist_capacity = models.PositiveIntegerField(null=True, blank=True)
    reserved = models.PositiveIntegerField(null=True, blank=True)  # seats held for some students
    status = models.CharField(max_length=16, blank=True)
    # Every meeting ([{"days", "start", "end", "location", "instructors"}]; the fields above
    # hold the first) and final exams ([{"date", "start", "end", "location"}]), from the SIS.
    meetings = models.JSONField(default=list, blank=True)
    exams = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["term", "course", "parent_id", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["course", "term", "kind", "number"], name="section_unique")]

    def __str__(self) -> str:
        return f"{self.course.code} {self.kind} {self.number} ({self.term})"

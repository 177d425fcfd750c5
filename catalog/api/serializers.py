from rest_framework import serializers

from catalog.models import Course, Requirement, Section, Subject, Term


class TermSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Term
        fields = ["slug", "name", "year", "season"]


class SubjectSerializer(serializers.ModelSerializer):
    courses = serializers.IntegerField(source="course_count", read_only=True)

    class Meta:
        model = Subject
        fields = ["code", "name", "spellings", "courses"]


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = ["slug", "name", "kind"]


class CourseListSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject_id")
    units = serializers.CharField(read_only=True)
    gpa = serializers.SerializerMethodField(help_text="Average GPA over every graded term, letter grades only.")
    letter = serializers.SerializerMethodField(help_text="The grade that GPA reads as.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "code",
            "subject",
            "number",
            "title",
            "abbreviated_title",
            "units",
            "units_min",
            "units_max",
            "level",
            "has_grades",
            "gpa",
            "letter",
            "url",
        ]

    def get_url(self, course: Course) -> str:
        return f"/api/v1/courses/{course.subject_id}/{course.number}/"

    # Both read the annotations of CourseQuerySet.for_listing(): no query per course.
    def get_gpa(self, course: Course) -> float | None:
        gpa = getattr(course, "gpa", None)
        return round(gpa, 3) if gpa is not None else None

    def get_letter(self, course: Course) -> str | None:
        return getattr(course, "grade_letter", None) or None


class CourseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["code", "title"]


class SubsectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = [
            "kind",
            "number",
            "class_number",
            "days",
            "start_time",
            "end_time",
            "location",
            "instructor",
            "enrolled",
            "capacity",
            "waitlisted",
            "waitlist_capacity",
            "reserved",
            "status",
            "meetings",
            "exams",
        ]


class SectionSerializer(SubsectionSerializer):
    term = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    subsections = SubsectionSerializer(many=True, read_only=True)

    class Meta(SubsectionSerializer.Meta):
        fields = ["term", *SubsectionSerializer.Meta.fields, "subsections"]


class FormerCodeSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(), help_text="The code, then other spellings of it")
    until = serializers.SerializerMethodField(help_text="The last term under it: 'spring-2017'")

    def get_until(self, former: dict) -> str | None:
        return former["until"].slug if former["until"] else None


class CourseDetailSerializer(CourseListSerializer):
    subject_name = serializers.CharField(source="subject.name")
    aliases = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="Every other code that answers for this course"
    )
    former_codes = FormerCodeSerializer(many=True, read_only=True, help_text="Codes the course had before")
    cross_listings = CourseRefSerializer(many=True, read_only=True)
    requirements = RequirementSerializer(many=True, read_only=True)
    terms = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    sections_term = serializers.SerializerMethodField()
    counts_as_of = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()

    class Meta(CourseListSerializer.Meta):
        fields = [
            *CourseListSerializer.Meta.fields,
            "subject_name",
            "description",
            "prerequisites",
            "aliases",
            "former_codes",
            "cross_listings",
            "requirements",
            "terms",
            "sections_term",
            "counts_as_of",
            "sections",
        ]

    def get_counts_as_of(self, course: Course) -> str | None:
        """When the sections' counts were true (ISO 8601): the listing's date or the SIS sync's time."""
        term = self.context.get("sections_term")
        return term.counts_as_of.isoformat() if term and term.counts_as_of else None

    def get_sections_term(self, course: Course) -> str | None:
        term = self.context.get("sections_term")
        return term.slug if term else None

    def get_sections(self, course: Course) -> list[dict]:
        return SectionSerializer(self.context.get("sections", []), many=True).data

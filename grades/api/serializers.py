"""Response shapes, for the OpenAPI schema (the views build plain dicts)."""

from rest_framework import serializers


class GradeRowSerializer(serializers.Serializer):
    grade = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()
    percentile_low = serializers.FloatField()
    percentile_high = serializers.FloatField()


class DistributionSerializer(serializers.Serializer):
    course = serializers.CharField()
    sections = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Students with a letter grade or P/NP.")
    gpa = serializers.FloatField(allow_null=True, help_text="Letter-graded students only.")
    letter = serializers.CharField(allow_null=True)
    distribution = GradeRowSerializer(many=True)


class CompareEntrySerializer(DistributionSerializer):
    selection = serializers.CharField()
    label = serializers.CharField()


class CompareSerializer(serializers.Serializer):
    selections = CompareEntrySerializer(many=True)


class TermOptionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    sections = serializers.IntegerField()
    students = serializers.IntegerField()


class InstructorOptionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    sections = serializers.IntegerField()
    terms = serializers.ListField(child=serializers.CharField())


class OptionsSerializer(serializers.Serializer):
    course = serializers.CharField()
    terms = TermOptionSerializer(many=True)
    instructors = InstructorOptionSerializer(many=True)


class TrendPointSerializer(serializers.Serializer):
    term = serializers.CharField()
    name = serializers.CharField()
    gpa = serializers.FloatField()
    letter = serializers.CharField()
    students = serializers.IntegerField()
    sections = serializers.IntegerField()


class TrendSerializer(serializers.Serializer):
    course = serializers.CharField(required=False)
    instructor = serializers.CharField(required=False)
    trend = TrendPointSerializer(many=True)


class InstructorSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    sections = serializers.IntegerField()
    url = serializers.CharField()


class InstructorCourseSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    gpa = serializers.FloatField(allow_null=True)
    letter = serializers.CharField(allow_null=True)
    students = serializers.IntegerField()
    sections = serializers.IntegerField()
    terms = serializers.IntegerField()
    first_term = serializers.CharField(help_text="The first term taught: 'Spring 2009'")
    last_term = serializers.CharField()


class InstructorDetailSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    spellings = serializers.ListField(
        child=serializers.CharField(), help_text="Other ways the sources write the name; their slugs redirect here"
    )
    courses = InstructorCourseSerializer(many=True)
    trend = TrendPointSerializer(many=True)


class EstimateSerializer(serializers.Serializer):
    gpa = serializers.FloatField(help_text="The model's estimate of the instructor's average grade point.")
    low = serializers.FloatField(help_text="Lower end of the interval (see confidence).")
    high = serializers.FloatField()


class FairInstructorSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    sections = serializers.IntegerField()
    students = serializers.IntegerField(help_text="Letter-graded students over those sections.")
    terms = serializers.IntegerField(help_text="Terms taught.")
    first_term = serializers.CharField()
    last_term = serializers.CharField()
    average = serializers.FloatField(help_text="Plain average grade point of the students, as the grade pages show.")
    letter = serializers.CharField()
    raw = EstimateSerializer(help_text="Sections as graded, from the same model as adjusted.")
    adjusted = EstimateSerializer(help_text="Each term read against its campus average, on the reference term's scale.")


class LeftOutSerializer(serializers.Serializer):
    too_few_students = serializers.IntegerField(help_text="Instructors under min_students.")
    too_few_sections = serializers.IntegerField(help_text="Instructors with enough students under min_sections.")
    not_fitted = serializers.IntegerField(help_text="Instructors left out because the model could not be fitted.")
    sections_without_instructor = serializers.IntegerField()
    sections_without_term_average = serializers.IntegerField(help_text="Terms with too few students campus-wide.")


class FairComparisonSerializer(serializers.Serializer):
    course = serializers.CharField()
    reference_term = serializers.CharField(allow_null=True, help_text="Adjusted averages read on this term's scale.")
    reference_gpa = serializers.FloatField(allow_null=True, help_text="The reference term's campus average.")
    confidence = serializers.FloatField(help_text="The intervals' confidence: 0.95.")
    min_students = serializers.IntegerField()
    min_sections = serializers.IntegerField()
    instructors = FairInstructorSerializer(many=True)
    left_out = LeftOutSerializer()

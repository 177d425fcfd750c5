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

from rest_framework import serializers

from .. import services


class ProfileSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_joined = serializers.DateTimeField()


class SeatsSerializer(serializers.Serializer):
    term = serializers.CharField(help_text="Slug of the latest term with sections: summer-2026")
    term_name = serializers.CharField()
    enrolled = serializers.IntegerField()
    capacity = serializers.IntegerField()
    open = serializers.IntegerField(help_text="capacity - enrolled, summed over the primary sections")
    waitlisted = serializers.IntegerField()


class SavedCourseSerializer(serializers.Serializer):
    code = serializers.CharField(source="course.code")
    title = serializers.CharField(source="course.display_title")
    gpa = serializers.FloatField(source="course.gpa", allow_null=True, help_text="All-terms average GPA")
    grade = serializers.CharField(source="course.grade_letter", allow_null=True)
    seats = SeatsSerializer(allow_null=True)
    added_at = serializers.DateTimeField()


class SavedListSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="list.pk")
    name = serializers.CharField(source="list.name")
    default = serializers.BooleanField(source="list.is_default")
    created_at = serializers.DateTimeField(source="list.created_at")
    updated_at = serializers.DateTimeField(source="list.updated_at")
    courses = SavedCourseSerializer(many=True, source="items")


class ListNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.NAME_MAX_LENGTH, help_text="Fall 2026 maybe")

    def validate_name(self, value):
        try:
            return services.clean_name(value)
        except services.InvalidList as error:
            raise serializers.ValidationError(error.message) from None


class AddCourseSerializer(serializers.Serializer):
    course = serializers.CharField(max_length=60, help_text='A course code as the catalog writes it: "COMPSCI 61A"')

    def validate_course(self, value):
        course = services.find_course(value)
        if course is None:
            raise serializers.ValidationError(f"No course {value!r}.")
        return course


class DeleteAccountSerializer(serializers.Serializer):
    confirm = serializers.CharField(max_length=254, help_text="The account's email address, to confirm")

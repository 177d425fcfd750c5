from django.contrib import admin

from .models import PHASE_FIELDS, EnrollmentPoint, TermPhases


@admin.register(TermPhases)
class TermPhasesAdmin(admin.ModelAdmin):
    """Where the enrollment phase dates of each term are entered. The importer and the
    nightly snapshot add a blank row for every term with enrollment data."""

    list_display = ["term", *(name for name, _, _ in PHASE_FIELDS)]
    list_editable = [name for name, _, _ in PHASE_FIELDS]
    ordering = ["-term__sort_key"]
    fieldsets = [
        (None, {"fields": ["term"]}),
        ("Phase 1", {"fields": [("phase_1_start", "phase_1_end")]}),
        ("Phase 2", {"fields": [("phase_2_start", "phase_2_end")]}),
        ("Adjustment period", {"fields": [("adjustment_start", "adjustment_end")]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["term"] if obj is not None else []


@admin.register(EnrollmentPoint)
class EnrollmentPointAdmin(admin.ModelAdmin):
    list_display = ["course", "term", "date", "day", "enrolled", "capacity", "enrolled_percent", "waitlisted", "source"]
    list_filter = ["source", "term"]
    search_fields = ["course__code"]
    raw_id_fields = ["course"]
    list_select_related = ["course", "term"]
    ordering = ["-date"]

from django.contrib import admin

from .models import PHASE_FIELDS, EnrollmentPoint, TermPhases


@admin.register(TermPhases)
class TermPhasesAdmin(admin.ModelAdmin):
    """Each term's enrollment phase dates: inferred from the data after every import and
    sync, or set here. A date edited here makes the term's dates staff's, which the
    inference never overwrites; choosing 'inferred' hands the term back to it."""

    list_display = ["term", *(name for name, _, _ in PHASE_FIELDS), "dates_from", "note"]
    list_editable = [name for name, _, _ in PHASE_FIELDS]
    ordering = ["-term__sort_key"]
    fieldsets = [
        (None, {"fields": ["term"]}),
        ("Phase 1", {"fields": [("phase_1_start", "phase_1_end")]}),
        ("Phase 2", {"fields": [("phase_2_start", "phase_2_end")]}),
        ("Adjustment period", {"fields": [("adjustment_start", "adjustment_end")]}),
        ("Where the dates come from", {"fields": ["dates_from", "note", "inferred_through"]}),
    ]

    def save_model(self, request, obj, form, change):
        if set(form.changed_data) & {name for name, _, _ in PHASE_FIELDS}:
            obj.dates_from = TermPhases.STAFF
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        return ["term", "note", "inferred_through"] if obj is not None else ["note", "inferred_through"]


@admin.register(EnrollmentPoint)
class EnrollmentPointAdmin(admin.ModelAdmin):
    list_display = ["course", "term", "date", "day", "enrolled", "capacity", "enrolled_percent", "waitlisted", "source"]
    list_filter = ["source", "term"]
    search_fields = ["course__code"]
    raw_id_fields = ["course"]
    list_select_related = ["course", "term"]
    ordering = ["-date"]

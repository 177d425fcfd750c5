"""This app's section of a course's page (see BT_COURSE_PANELS)."""


def course_panel(request, course) -> dict | None:
    return None

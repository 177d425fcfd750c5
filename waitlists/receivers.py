"""Keep the stored waitlist movements and the model in step with the enrollment data."""

from __future__ import annotations

import logging

from . import services

logger = logging.getLogger(__name__)

# The importers that write enrollment points (and, through them, the inferred phases).
ENROLLMENT_IMPORTERS = {"enrollment", "record_enrollment", "sis-enrollment"}


def on_data_imported(sender, importer: str, course_ids=None, **kwargs) -> None:
    """After an enrollment import or sync, the changed courses' movements (all when it
    does not say which); the model is refitted only when a past term changed, so the
    15-minute sync of the current term does not refit it."""
    if importer not in ENROLLMENT_IMPORTERS:
        return
    # The import has committed: a failure here is logged, never raised, and the next
    # import or `manage.py refresh_waitlist_odds` catches up.
    try:
        lines = services.refresh(course_ids)
    except Exception:
        logger.exception("waitlists: could not refresh the waitlist odds after the %s import", importer)
        return
    for line in lines:
        logger.info("waitlists: %s import: %s", importer, line)

"""Signals other apps listen to, so importers need not know who cares.

data_imported: sent after an importer's transaction commits, with
    importer (str), report (ImportReport) and course_ids (set of Course ids whose
    data changed, or None when unknown). Search reindexes those courses; metrics count the run.
import_failed: sent when an importer stops on bad input, with importer (str) and error (Exception).
enrollment_changed: sent after the SIS enrollment sync's transaction commits, when some
    section's counts changed, with term_id (int), as_of (datetime: the counts' time, a
    replayed run's original one) and changes ({section id: (before, after)}, each a dict of
    enrolled, capacity, waitlisted, waitlist_capacity, reserved and status as the database
    held them before the run and holds them after). Seat alerts listen.
"""

from django.dispatch import Signal

data_imported = Signal()
import_failed = Signal()
enrollment_changed = Signal()

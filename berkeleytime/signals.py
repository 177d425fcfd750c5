"""Signals other apps listen to, so importers need not know who cares.

data_imported: sent after an importer's transaction commits, with
    importer (str), report (ImportReport) and course_ids (set of Course ids whose
    data changed, or None when unknown). Search reindexes those courses; metrics count the run.
import_failed: sent when an importer stops on bad input, with importer (str) and error (Exception).
"""

from django.dispatch import Signal

data_imported = Signal()
import_failed = Signal()

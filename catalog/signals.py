"""What the catalog tells the apps built on it."""

from django.dispatch import Signal

# A course's code became another course's former code or spelling (a lineage,
# a subject spelled anew): the two are one course now. Sent inside the catalog
# import's transaction, before the old course is deleted, with ``old_id`` and
# ``new_id``; receivers move what they keep for the old course to the new one.
course_merged = Signal()

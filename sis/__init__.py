"""Keeping the site in step with UC Berkeley's SIS: terms, courses, classes and enrollment.

sources.sis reads the APIs; this app writes what they say into the catalog and
the enrollment history (services), logs every run with its raw answers
(SyncRun), and exposes `manage.py sis_sync`.
"""

"""The Berkeley data set, read once for every app: codes, terms, files, every grade format.

This package sits below the apps that import data (catalog, grades,
enrollment): they build on what it reads, it imports none of them. It also
keeps the import log (ImportRun) and the frame every import command shares.
"""

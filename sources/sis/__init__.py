"""UC Berkeley's Student Information System (SIS) APIs, read into plain records.

`client` speaks HTTP (credentials per API, timeouts, retries, paging, every
raw answer kept for replay); `records` turns the answers into the records the
sync writes (sis.services). The shapes are the university's own Swagger
specifications in ../shared/data/sis-api.
"""

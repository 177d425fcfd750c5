"""Forecasts follow the enrollment data: refreshed after each import or sync that changes it."""

import logging

from . import services

logger = logging.getLogger(__name__)

ENROLLMENT_IMPORTERS = {"enrollment", "record_enrollment", "sis-enrollment"}


def on_data_imported(sender, importer: str, **kwargs) -> None:
    """The import has committed already: a failure here is logged, never raised, and
    ``manage.py refresh_forecasts`` catches up."""
    if importer not in ENROLLMENT_IMPORTERS:
        return
    try:
        result = services.refresh_forecasts()
    except Exception:
        logger.exception("forecasts: could not refresh after the %s import", importer)
        return
    logger.info("forecasts: after the %s import, %s", importer, result)

"""Maintenance commands of the repository (run through ``make``)."""

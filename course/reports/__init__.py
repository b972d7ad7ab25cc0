"""Cohort reports and certificates, read from a trainer folder's gradebook and submitted answers."""

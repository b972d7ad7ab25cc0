"""The course's tests; shared helpers are in :mod:`tests.support`."""

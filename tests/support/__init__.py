"""Helpers the tests and benchmarks share: ports and servers, Voila, Chromium,
the answer/score oracle, the synthetic cohort, and screenshots."""

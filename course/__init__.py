"""Trainer, authoring and hosting tooling for the peer support course (nothing here runs in a learner's kernel)."""

__version__ = "0.1.0"

"""Answers a learner who knows nothing might give, for the pass-rule tests."""

from __future__ import annotations


def first_option(item):
    """What a learner who always picks the first option (or first choice) would save."""
    if item.type == "single_choice":
        return item.options[0].id
    if item.type == "multiple_select":
        return [item.options[0].id]
    return {term.id: item.choices[0].id for term in item.terms}

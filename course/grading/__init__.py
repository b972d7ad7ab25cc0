"""The nbgrader cycle for a cohort: the trainer folder, the roster, and every nbgrader step."""

"""Writing and checking course content: assessments from drafts, the whole-course validator, readability."""

"""Serving the course to learners with Voila: their course folder, shared servers, student versions."""

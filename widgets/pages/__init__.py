"""What a learner sees: a lesson or assessment page, the course home, My progress and its parts."""

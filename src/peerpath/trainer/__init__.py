"""Certification exam trainer for peer specialists: question bank, practice, mock exams,
spaced repetition, readiness, authoring and item analysis."""

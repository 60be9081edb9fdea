"""Database layer: declarative base, engine/session factory, models and migrations."""

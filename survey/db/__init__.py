"""Database layer: engine setup, the declarative base, models and migrations."""

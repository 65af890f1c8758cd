"""Reference data of a year's programme: fields, bases, projects, provinces, seat allocation."""

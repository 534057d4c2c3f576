"""Infrastructure shared by every app, with no business rules."""

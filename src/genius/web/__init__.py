"""The web gateway: create_app() mounts every app router."""

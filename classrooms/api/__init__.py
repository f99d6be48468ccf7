"""The classrooms API, one module per concept: the same services and selectors as the pages, the same access rules."""

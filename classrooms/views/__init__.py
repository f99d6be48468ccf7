"""Pages of the classrooms app, one module per concept: thin; every write is a service, every read a selector."""

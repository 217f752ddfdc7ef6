"""Storage: the Store protocol and its SQL implementation."""

"""Test helpers for styrdok and for plugin authors: a throw-away PostgreSQL server and the
storage contract suite that any store backend should pass."""

"""Plugins built into styrdok: the SQL store and the console notifier."""

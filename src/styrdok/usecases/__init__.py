"""The use cases behind :class:`styrdok.Registry`, one module per group.

Each module holds plain functions whose first parameter is the registry; ``registry.py``
binds each as a method of the same name. Writes run in :mod:`styrdok.usecases.work`'s unit
of work. To add a use case: write the function in the module of its group (or a new
module), then add one line to the facade in ``registry.py``.
"""

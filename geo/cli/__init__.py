"""The ``conflictmap`` command: one module per group of verbs.

``main`` builds the parser and registers each group (``extract``, ``interop``, ``team``);
``common`` holds what the verb modules share (the store a command names, the filter options).
A verb module imports ``common``, never ``main``. May import every other part of ``geo``; nothing
in ``geo`` imports the CLI.
"""

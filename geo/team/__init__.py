"""A team on one database: users, roles and sign-in (``auth``), several dashboards (``serve``).

May import the core modules; the store is reached through ``geo.store`` only.
"""

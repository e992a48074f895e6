"""The database: files kept safe, what a reader database is, its records, the store,
and recovery. The only package that imports TinyDB; it hands out model objects.
"""

"""The terminal under the app: a driver that survives a lost terminal, and the
garbage-collector policy.
"""

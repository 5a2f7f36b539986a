"""Versioned privacy policies, change notices and customer data rights for Wagtail."""

__version__ = "0.1.0"

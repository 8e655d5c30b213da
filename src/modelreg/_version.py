"""The installed version of modelreg."""

__version__ = "0.1.0"

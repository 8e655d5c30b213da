"""Tests of the core library."""

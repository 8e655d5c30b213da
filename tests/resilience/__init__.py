"""Resilience: retries, pacing, deadlines and fault injection, for every installed provider."""

"""The placeholder credential of sandbox mode: a leaf module, so that settings and emulators share it freely."""

SANDBOX_SECRET = "sandbox-{name}"  # noqa: S105 - a placeholder the emulators accept, not a credential
"""Placeholder for a required credential in sandbox mode (``{name}``: the setting's name); emulators accept any."""

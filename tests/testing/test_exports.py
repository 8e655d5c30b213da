"""modelreg.testing's public names: sorted, present, documented."""

from __future__ import annotations


def test_the_public_names_are_sorted_and_exist() -> None:
    import modelreg.testing

    assert modelreg.testing.__all__ == sorted(modelreg.testing.__all__)
    for name in modelreg.testing.__all__:
        assert getattr(modelreg.testing, name).__doc__, f"{name} has no docstring"

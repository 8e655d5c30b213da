"""``ScriptixRegistry``: what ``modelreg.connect("scriptix")`` returns, Scriptix's own operations typed."""

from __future__ import annotations

from modelreg.typed import AsyncTypedRegistry, TypedRegistry, operation
from modelreg_scriptix._provider import ScriptixProvider


class ScriptixRegistry(TypedRegistry, provider=ScriptixProvider):
    """A Scriptix registry: the common operations plus training data and waiting for training, typed."""

    upload_training_data = operation(ScriptixProvider.upload_training_data)
    training_data = operation(ScriptixProvider.training_data)
    get_training_data = operation(ScriptixProvider.get_training_data)
    delete_training_data = operation(ScriptixProvider.delete_training_data)
    wait_for_training = operation(ScriptixProvider.wait_for_training)


class AsyncScriptixRegistry(AsyncTypedRegistry, provider=ScriptixProvider):
    """The async twin of ``ScriptixRegistry``: the same operations, awaited."""

    upload_training_data = operation(ScriptixProvider.upload_training_data)
    training_data = operation(ScriptixProvider.training_data)
    get_training_data = operation(ScriptixProvider.get_training_data)
    delete_training_data = operation(ScriptixProvider.delete_training_data)
    wait_for_training = operation(ScriptixProvider.wait_for_training)

"""Waiting for training to finish: a flow that polls with growing pauses until a final status."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from modelreg import Issue, Model, ModelStatus, ValidationFailed
from modelreg.provider import Flow, Pause
from modelreg_scriptix._errors import TrainingFailed, TrainingTimedOut
from modelreg_scriptix._validation import PROVIDER

if TYPE_CHECKING:
    from modelreg_scriptix._provider import ScriptixProvider

Progress = Callable[[Model], Any]
"""Called with the model after every poll while waiting for training."""

DEFAULT_POLL_INTERVAL = 20.0
"""Scriptix's own web app polls training every 20 seconds."""
MAX_POLL_INTERVAL = 300.0
BACKOFF = 1.5
DEFAULT_TIMEOUT = 24 * 3600.0
"""Training "typically takes 6-12 hours"; a day leaves room before giving up."""


def wait_for(
    provider: ScriptixProvider,
    model_id: str,
    *,
    progress: Progress | None = None,
    timeout: float | None = None,
    poll_interval: float | None = None,
    first: Model | None = None,
) -> Flow[Model]:
    """Poll the model with growing intervals until training ends; return it trained or raise.

    ``first`` is a state already known (the answer to ``run``): it counts as the first poll.

    ``TrainingFailed`` when it ends in status 5; ``TrainingTimedOut`` when ``timeout`` passes
    first; ``ValidationFailed`` when the model has no data (status 1), as nothing would change.
    """
    timeout = _positive(DEFAULT_TIMEOUT if timeout is None else timeout, "timeout")
    interval = _positive(DEFAULT_POLL_INTERVAL if poll_interval is None else poll_interval, "poll_interval")
    if progress is not None and not callable(progress):
        raise ValidationFailed(
            [Issue(("progress",), "progress must be a callable taking the model", "type")], provider=PROVIDER
        )
    now: float = yield Pause(0)
    deadline = now + timeout
    model = first
    while True:
        if model is None:
            model = yield from provider.get(model_id)
        if progress is not None:
            progress(model)
        if model.status is ModelStatus.AVAILABLE:
            return model
        if model.status is ModelStatus.FAILED:
            raise TrainingFailed(model)
        if model.status is ModelStatus.PENDING:
            raise ValidationFailed(
                [
                    Issue(
                        ("path", "id"),
                        f"model {model_id} has no training data (status 1), so training cannot finish: "
                        "upload training data and call train() first",
                        "not_training",
                    )
                ],
                provider=PROVIDER,
            )
        if now >= deadline:
            raise TrainingTimedOut(model, timeout)
        now = yield Pause(min(interval, deadline - now))
        model = None
        interval = min(interval * BACKOFF, max(MAX_POLL_INTERVAL, interval))


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValidationFailed(
            [Issue((name,), f"{name} must be a positive number of seconds, got {value!r}", "type")], provider=PROVIDER
        )
    return float(value)

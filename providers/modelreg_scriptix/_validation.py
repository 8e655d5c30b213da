"""Checks run before anything is sent: every documented Scriptix rule, all issues reported at once."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from modelreg import Issue, ModelStatus, ValidationFailed
from modelreg.provider import check_known
from modelreg_scriptix._records import BASE_MODELS, CODE_BY_STATUS, DESCRIPTION_MAX, NAME_MAX

PROVIDER = "scriptix"
CREATE_FIELDS = ("name", "language", "base_model", "description")
UPDATE_FIELDS = ("name", "description")
FILTERS = ("status", "language", "base_model")


def raise_if(issues: list[Issue]) -> None:
    """Raise one ``ValidationFailed`` carrying every issue, if there are any."""
    if issues:
        raise ValidationFailed(issues, provider=PROVIDER)


def check_id(value: Any, what: str = "id") -> str:
    """The canonical text of an integer id, or ``ValidationFailed`` (Scriptix ids are integers)."""
    issue = id_issue(value, what)
    raise_if([issue] if issue else [])
    return str(int(value))


def id_issue(value: Any, what: str = "id") -> Issue | None:
    """The issue with ``value`` as an integer id, or None when it is one."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return None
    return Issue(("path", what), f"Scriptix ids are integers, e.g. 123; got {value!r}", "not_integer")


def create_body(fields: Mapping[str, Any], languages: Collection[str]) -> dict[str, Any]:
    """The JSON body of a create, or ``ValidationFailed`` listing every broken rule."""
    issues = check_known("body", fields, CREATE_FIELDS)
    issues += _name_issues(fields.get("name"), required=True)
    issues += language_issues(fields.get("language"), languages, "body", required=True)
    base_model = fields.get("base_model")
    if base_model is not None:
        issues += base_model_issues(base_model, "body")
    issues += _description_issues(fields.get("description"))
    raise_if(issues)
    body = {"name": fields["name"], "language": fields["language"], "base_model": base_model or "general"}
    if fields.get("description") is not None:
        body["description"] = fields["description"]
    return body


def update_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body of an update (name and/or description), or ``ValidationFailed``."""
    issues = []
    for key in fields:
        if key in ("language", "base_model"):
            issues.append(
                Issue(("body", key), f"{key} is fixed when a model is created; create a new model instead", "immutable")
            )
        elif key not in UPDATE_FIELDS:
            issues += check_known("body", {key: None}, UPDATE_FIELDS)
    if not fields:
        issues.append(Issue(("body",), "pass name= and/or description=: an update needs at least one", "missing"))
    if "name" in fields:
        issues += _name_issues(fields["name"], required=True)
    issues += _description_issues(fields.get("description"))
    raise_if(issues)
    return {key: fields[key] for key in UPDATE_FIELDS if key in fields}


def list_params(filters: Mapping[str, Any], languages: Collection[str]) -> dict[str, Any]:
    """Query parameters for the list filters, or ``ValidationFailed``."""
    issues = check_known("query", filters, FILTERS)
    params: dict[str, Any] = {}
    status = filters.get("status")
    if status is not None:
        code = _status_code(status)
        if code is None:
            accepted = ", ".join(f"ModelStatus.{s.name}" for s in CODE_BY_STATUS)
            issues.append(
                Issue(("query", "status"), f"must be one of {accepted} (or 1-5), got {status!r}", "invalid_choice")
            )
        params["status"] = code
    if filters.get("language") is not None:
        issues += language_issues(filters["language"], languages, "query")
        params["language"] = filters["language"]
    if filters.get("base_model") is not None:
        issues += base_model_issues(filters["base_model"], "query")
        params["base_model"] = filters["base_model"]
    raise_if(issues)
    return params


def _status_code(status: Any) -> int | None:
    if isinstance(status, ModelStatus):
        return CODE_BY_STATUS.get(status)
    if isinstance(status, int) and not isinstance(status, bool) and 1 <= status <= 5:
        return status
    if isinstance(status, str):
        try:
            return CODE_BY_STATUS.get(ModelStatus(status.lower()))
        except ValueError:
            return int(status) if status.isdigit() and 1 <= int(status) <= 5 else None
    return None


def _name_issues(name: Any, *, required: bool) -> list[Issue]:
    loc = ("body", "name")
    if name is None:
        return [Issue(loc, "name is required (1-200 characters)", "missing")] if required else []
    if not isinstance(name, str):
        return [Issue(loc, f"name must be a string, got {type(name).__name__}", "type")]
    if not name.strip():
        return [Issue(loc, "name cannot be empty or whitespace only", "blank")]
    if len(name) > NAME_MAX:
        return [Issue(loc, f"name must be at most {NAME_MAX} characters, got {len(name)}", "too_long")]
    return []


def _description_issues(description: Any) -> list[Issue]:
    loc = ("body", "description")
    if description is None:
        return []
    if not isinstance(description, str):
        return [Issue(loc, f"description must be a string or None, got {type(description).__name__}", "type")]
    if len(description) > DESCRIPTION_MAX:
        return [
            Issue(loc, f"description must be at most {DESCRIPTION_MAX} characters, got {len(description)}", "too_long")
        ]
    return []


def language_issues(language: Any, languages: Collection[str], section: str, *, required: bool = False) -> list[Issue]:
    """Problems with a language code: lowercase ISO 639-1 from the supported list."""
    loc = (section, "language")
    if language is None:
        return [Issue(loc, "language is required, e.g. 'en'", "missing")] if required else []
    if not isinstance(language, str):
        return [Issue(loc, f"language must be a string such as 'en', got {type(language).__name__}", "type")]
    if language in languages:
        return []
    if language.lower() in languages:
        return [Issue(loc, f"language codes are lowercase: use {language.lower()!r}, not {language!r}", "unsupported")]
    shape = "" if len(language) == 2 else " (codes are 2-letter ISO 639-1, e.g. 'en', not 'eng')"
    listed = ", ".join(sorted(languages))
    return [
        Issue(
            loc,
            f"language {language!r} is not supported{shape}; use one of {listed} "
            "(or pass languages= to connect() if Scriptix supports more)",
            "unsupported",
        )
    ]


def base_model_issues(base_model: Any, section: str) -> list[Issue]:
    """Problems with a base model: one of the lowercase enum values."""
    if isinstance(base_model, str) and base_model in BASE_MODELS:
        return []
    hint = (
        f" (lowercase: {base_model.lower()!r})"
        if isinstance(base_model, str) and base_model.lower() in BASE_MODELS
        else ""
    )
    return [
        Issue(
            (section, "base_model"),
            f"base_model must be one of {', '.join(BASE_MODELS)}, got {base_model!r}{hint}",
            "invalid_choice",
        )
    ]

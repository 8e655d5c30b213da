"""Every documented Scriptix rule rejects bad input before anything is sent, with all issues at once."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from modelreg_scriptix import LANGUAGES

from modelreg import ConfigurationError, ModelStatus, ValidationFailed
from modelreg.provider import Limit
from tests.scriptix import examples
from tests.scriptix.conftest import Recorder, answer, async_registry, registry


def rejected(call: Any, **settings: Any) -> ValidationFailed:
    """Run ``call(reg)`` and return the ValidationFailed it raised, asserting no request was sent."""
    recorder = Recorder()
    with registry(recorder, **settings) as reg, pytest.raises(ValidationFailed) as info:
        call(reg)
    assert recorder.requests == []
    assert info.value.status_code is None
    return info.value


def locs(error: ValidationFailed) -> list[tuple[str, ...]]:
    return [issue.loc for issue in error.issues]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "empty"),
        ("   ", "whitespace"),
        ("\t\n", "whitespace"),
        ("x" * 201, "at most 200"),
        (42, "string"),
        (None, "required"),
    ],
)
def test_create_rejects_each_bad_name(name: Any, fragment: str) -> None:
    fields = {"language": "en"} if name is None else {"name": name, "language": "en"}
    error = rejected(lambda reg: reg.create(**fields))
    assert locs(error) == [("body", "name")]
    assert fragment in error.issues[0].message


def test_create_accepts_names_of_1_and_200_characters() -> None:
    recorder = Recorder(answer(201, examples.CREATE_201))
    with registry(recorder) as reg:
        reg.create(name="x", language="en")
        recorder.answers.append(answer(201, examples.CREATE_201))
        reg.create(name="y" * 200, language="en")
    assert [len(r.content) > 0 for r in recorder.requests] == [True, True]


@pytest.mark.parametrize(
    ("language", "fragment"),
    [
        ("EN", "lowercase: use 'en'"),
        ("eng", "2-letter"),
        ("xx", "'xx' is not supported"),
        ("", "not supported"),
        (7, "string"),
    ],
)
def test_create_rejects_each_bad_language(language: Any, fragment: str) -> None:
    error = rejected(lambda reg: reg.create(name="Model", language=language))
    assert locs(error) == [("body", "language")]
    assert fragment in error.issues[0].message


def test_create_requires_a_language() -> None:
    error = rejected(lambda reg: reg.create(name="Model"))
    assert locs(error) == [("body", "language")]


def test_the_documented_list_has_33_languages_and_each_is_accepted() -> None:
    assert len(LANGUAGES) == 33 and len(set(LANGUAGES)) == 33
    recorder = Recorder(*(answer(201, examples.CREATE_201) for _ in LANGUAGES))
    with registry(recorder, limits={"create": Limit()}) as reg:
        for code in LANGUAGES:
            reg.create(name="Model", language=code)
    assert [r.content for r in recorder.requests] and len(recorder.requests) == 33


def test_the_languages_setting_overrides_the_list() -> None:
    error = rejected(lambda reg: reg.create(name="Model", language="en"), languages="nl,de")
    assert "'en' is not supported" in error.issues[0].message
    recorder = Recorder(answer(201, examples.CREATE_201))
    with registry(recorder, languages=["nl", "ca"]) as reg:
        reg.create(name="Model", language="ca")
    assert recorder.json()["language"] == "ca"


@pytest.mark.parametrize("bad", [["en", ""], "", " , ", 5, {"en": 1}])
def test_a_malformed_languages_setting_is_a_configuration_error(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="languages"):
        registry(Recorder(), languages=bad)


@pytest.mark.parametrize("base_model", ["Medical", "healthcare", "", 1])
def test_create_rejects_base_models_outside_the_enum(base_model: Any) -> None:
    error = rejected(lambda reg: reg.create(name="Model", language="en", base_model=base_model))
    assert locs(error) == [("body", "base_model")]
    assert "general, medical, legal, technical" in error.issues[0].message


def test_a_capitalized_base_model_gets_a_lowercase_hint() -> None:
    error = rejected(lambda reg: reg.create(name="Model", language="en", base_model="Medical"))
    assert "'medical'" in error.issues[0].message


def test_description_may_be_empty_or_null_but_not_over_1000_characters() -> None:
    error = rejected(lambda reg: reg.create(name="Model", language="en", description="d" * 1001))
    assert locs(error) == [("body", "description")] and "1000" in error.issues[0].message
    recorder = Recorder(answer(201, examples.CREATE_201), answer(201, examples.CREATE_201))
    with registry(recorder) as reg:
        reg.create(name="Model", language="en", description="")
        reg.create(name="Model", language="en", description=None)
    assert recorder.json(0)["description"] == "" and "description" not in recorder.json(1)


def test_every_violation_is_one_issue_in_a_single_error() -> None:
    error = rejected(
        lambda reg: reg.create(name=" ", language="EN", base_model="Legal", description="d" * 1001, color="red")
    )
    assert sorted(locs(error)) == [
        ("body", "base_model"),
        ("body", "color"),
        ("body", "description"),
        ("body", "language"),
        ("body", "name"),
    ]
    assert "nothing was sent" in str(error)


def test_generation_c_create_fields_are_unknown_fields() -> None:
    error = rejected(lambda reg: reg.create(**examples.LEGACY_CREATE_REQUEST))
    assert ("body", "language_id") in locs(error) and ("body", "organization_id") in locs(error)
    assert ("body", "language") in locs(error)


def test_update_needs_at_least_one_field() -> None:
    error = rejected(lambda reg: reg.update(123))
    assert "at least one" in error.issues[0].message


@pytest.mark.parametrize("field", ["language", "base_model"])
def test_update_refuses_fields_fixed_at_creation(field: str) -> None:
    error = rejected(lambda reg: reg.update(123, **{field: "en"}))
    assert locs(error) == [("body", field)] and "fixed" in error.issues[0].message


def test_update_checks_name_and_description_like_create() -> None:
    error = rejected(lambda reg: reg.update(123, name="", description="d" * 1001, owner="me"))
    assert sorted(locs(error)) == [("body", "description"), ("body", "name"), ("body", "owner")]


@pytest.mark.parametrize("model_id", ["abc", "12.5", "-3", "", "1 2", "١٢"])
def test_ids_must_be_integers_for_every_operation(model_id: str) -> None:
    for call in (
        lambda reg: reg.get(model_id),
        lambda reg: reg.update(model_id, name="x"),
        lambda reg: reg.delete(model_id),
        lambda reg: reg.train(model_id),
        lambda reg: reg.training_data(model_id),
        lambda reg: reg.get_training_data(model_id, 1),
        lambda reg: reg.get_training_data(1, model_id),
        lambda reg: reg.delete_training_data(1, model_id),
        lambda reg: reg.wait_for_training(model_id),
        lambda reg: reg.upload_training_data(model_id, audio=("a.mp3", b"a"), transcript=("a.txt", b"t")),
    ):
        error = rejected(call)
        assert error.issues[0].type == "not_integer"


@pytest.mark.parametrize(
    ("filters", "loc"),
    [
        ({"status": 6}, ("query", "status")),
        ({"status": 0}, ("query", "status")),
        ({"status": ModelStatus.INACTIVE}, ("query", "status")),
        ({"status": ModelStatus.UNKNOWN}, ("query", "status")),
        ({"status": True}, ("query", "status")),
        ({"language": "EN"}, ("query", "language")),
        ({"base_model": "Legal"}, ("query", "base_model")),
        ({"search": "cardio"}, ("query", "search")),
        ({"per_page": 10}, ("query", "per_page")),
    ],
)
def test_list_rejects_bad_or_unknown_filters(filters: dict, loc: tuple[str, ...]) -> None:
    error = rejected(lambda reg: reg.list_page(**filters))
    assert locs(error) == [loc]
    error = rejected(lambda reg: list(reg.list(**filters)))
    assert locs(error) == [loc]


def test_list_page_size_is_at_most_100() -> None:
    rejected(lambda reg: reg.list_page(page_size=101))


@pytest.mark.parametrize(("status", "wire"), [(ModelStatus.PENDING, "1"), (ModelStatus.FAILED, "5"), (3, "3")])
def test_status_filter_takes_common_statuses_or_codes(status: Any, wire: str) -> None:
    recorder = Recorder(answer(200, {"count": 0, "total_results": 0, "result": []}))
    with registry(recorder) as reg:
        reg.list_page(status=status)
    assert recorder.requests[0].url.params["status"] == wire


def test_train_rejects_unknown_options_and_wait_only_options_without_wait() -> None:
    error = rejected(lambda reg: reg.train(1, speed="fast"))
    assert locs(error) == [("options", "speed")]
    error = rejected(lambda reg: reg.train(1, progress=print))
    assert "need wait=True" in error.issues[0].message


@pytest.mark.parametrize(
    ("kwargs", "loc", "fragment"),
    [
        ({"audio": ("a.exe", b"x"), "transcript": ("a.txt", b"t")}, ("body", "audio_file"), "MP3"),
        ({"audio": b"raw", "transcript": ("a.txt", b"t")}, ("body", "audio_file"), "filename="),
        ({"audio": ("a.mp3", b""), "transcript": ("a.txt", b"t")}, ("body", "audio_file"), "empty"),
        ({"audio": ("a.mp3", b"x"), "transcript": " \n"}, ("body", "transcript_file"), "empty"),
        ({"audio": ("a.mp3", b"x"), "transcript": "missing/visit.txt"}, ("body", "transcript_file"), "cannot read"),
        ({"audio": b"ID3", "transcript": "t", "filename": "a/b"}, ("body", "filename"), "plain file name"),
        ({"audio": ("a.mp3", b"x"), "transcript": ("a.doc", b"t")}, ("body", "transcript_file"), ".txt"),
        ({"audio": ("a.mp3", b"x"), "transcript": ("a.txt", b"\xff\xfe")}, ("body", "transcript_file"), "UTF-8"),
        ({"audio": ("a.mp3", b"x"), "transcript": ("a.txt", b"t"), "kind": "validation"}, ("body", "type"), "train"),
        ({"transcript": ("a.txt", b"t")}, ("body", "audio_file"), "required"),
        ({"audio": ("a.mp3", b"x")}, ("body", "transcript_file"), "required"),
        ({"audio": "/no/such/file.mp3", "transcript": ("a.txt", b"t")}, ("body", "audio_file"), "cannot read"),
        ({"audio": 3.5, "transcript": ("a.txt", b"t")}, ("body", "audio_file"), "path, bytes"),
    ],
)
def test_upload_checks_both_files_and_the_kind_before_sending(kwargs: dict, loc: tuple, fragment: str) -> None:
    error = rejected(lambda reg: reg.upload_training_data(1, **kwargs))
    assert locs(error) == [loc]
    assert fragment in error.issues[0].message


def upload_body(**kwargs: Any) -> bytes:
    recorder = Recorder(answer(200, examples.TRAININGDATA_UPLOAD_200))
    with registry(recorder) as reg:
        reg.upload_training_data(1, **kwargs)
    return recorder.requests[0].content


def test_raw_bytes_and_text_are_named_from_filename() -> None:
    body = upload_body(audio=b"abc", filename="call.WAV", transcript=b"hello", kind="test")
    assert b'filename="call.WAV"' in body and b'filename="call.txt"' in body
    assert b'name="type"\r\n\r\ntest\r\n' in body


@pytest.mark.parametrize(
    ("head", "extension"),
    [
        (b"RIFF....WAVEfmt ", "wav"),
        (b"ID3\x04\x00", "mp3"),
        (b"\xff\xfb\x90\x64", "mp3"),
        (b"\xff\xf1\x50\x80", "aac"),
        (b"fLaC\x00\x00", "flac"),
        (b"OggS\x00\x02", "ogg"),
        (b"\x00\x00\x00\x20ftypM4A ", "m4a"),
    ],
)
def test_the_format_of_raw_audio_bytes_is_recognised(head: bytes, extension: str) -> None:
    body = upload_body(audio=head + b"rest", transcript="the patient ...", filename="visit-01")
    assert f'filename="visit-01.{extension}"'.encode() in body
    assert b'filename="visit-01.txt"' in body and b"the patient ..." in body


def test_a_transcript_string_is_its_text_unless_it_names_a_txt_file(tmp_path: Any) -> None:
    path = tmp_path / "visit-02.txt"
    path.write_text("Words from the file.", encoding="utf-8")
    from_path = upload_body(audio=("a.mp3", b"ID3"), transcript=str(path))
    assert b'filename="visit-02.txt"' in from_path and b"Words from the file." in from_path
    from_text = upload_body(audio=("a.mp3", b"ID3"), transcript="Words said.\nMore words.")
    assert b'filename="a.txt"' in from_text and b"Words said.\r\nMore words." not in from_text
    assert b"Words said.\nMore words." in from_text


@pytest.mark.parametrize(("option", "value"), [("timeout", 0), ("poll_interval", -1), ("progress", "print")])
def test_wait_options_are_checked_before_polling(option: str, value: Any) -> None:
    error = rejected(lambda reg: reg.wait_for_training(1, **{option: value}))
    assert locs(error) == [(option,)]


async def test_the_async_registry_validates_before_sending_too() -> None:
    recorder = Recorder()
    async with async_registry(recorder) as reg:
        with pytest.raises(ValidationFailed):
            await reg.create(name="", language="xx")
        with pytest.raises(ValidationFailed):
            await reg.upload_training_data(1, audio=("a.exe", b"x"), transcript=("a.txt", b"t"))
    assert recorder.requests == []


@given(st.text(max_size=250))
def test_any_name_is_either_sent_or_rejected_with_a_name_issue(name: str) -> None:
    recorder = Recorder(answer(201, examples.CREATE_201))
    valid = bool(name.strip()) and len(name) <= 200
    with registry(recorder) as reg:
        try:
            reg.create(name=name, language="en")
        except ValidationFailed as error:
            assert not valid and locs(error) == [("body", "name")]
        else:
            assert valid and recorder.json()["name"] == name


def test_an_unknown_auth_header_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="auth_header"):
        registry(Recorder(), auth_header="x-api-key")


def test_auth_header_and_languages_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTIX_AUTH_HEADER", "x-zoom-s2t-key")
    monkeypatch.setenv("SCRIPTIX_LANGUAGES", "nl, ca")
    recorder = Recorder(answer(201, examples.CREATE_201))
    with registry(recorder) as reg:
        reg.create(name="Model", language="ca")
        with pytest.raises(ValidationFailed):
            reg.create(name="Model", language="en")
    assert len(recorder.requests) == 1 and "x-zoom-s2t-key" in recorder.requests[0].headers


def test_a_missing_key_is_a_configuration_error_naming_the_env_var() -> None:
    import modelreg

    with pytest.raises(ConfigurationError, match="SCRIPTIX_API_KEY"):
        modelreg.connect("scriptix")


@given(st.text(max_size=4))
def test_any_language_is_sent_only_when_it_is_a_supported_code(language: str) -> None:
    recorder = Recorder(answer(201, examples.CREATE_201))
    with registry(recorder) as reg:
        try:
            reg.create(name="Model", language=language)
        except ValidationFailed as error:
            assert language not in LANGUAGES and locs(error) == [("body", "language")]
        else:
            assert language in LANGUAGES and recorder.json()["language"] == language

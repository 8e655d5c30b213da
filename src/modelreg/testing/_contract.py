"""``ProviderContract``: in one subclass, what modelreg's own suites check of the built-in providers.

::

    from modelreg.testing import ProviderContract

    class TestAcmeContract(ProviderContract):
        provider = "acme"
        create_fields = {"name": "Contract model", "locale": "en-US"}

Every check runs against the provider's sandbox (``Provider.sandbox()``), never the network:
records and refs, every declared operation, validation before sending, typed errors for the
vendor's failures, pagination of its kind, sync/async parity, secrets never shown, create
reconciliation, and the fault-injection workload (``workload_operations`` mixed calls, sync and
async, ids of any shape). Class attributes tune it; methods of ``ProviderContract`` build what
the checks need and may be overridden.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

import modelreg
from modelreg import Model, ModelStatus, NotFound, ProviderInfo, UnsupportedOperation, ValidationFailed
from modelreg.errors import (
    AuthenticationFailed,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    ServerError,
    TransportError,
)
from modelreg.provider import Paging, Provider
from modelreg.sandbox import Fault, FaultPlan, Sandbox
from modelreg.testing._checks import counting, first_request, gather_errors, walk_by_cursor
from modelreg.testing._subject import Subject, distinctive_credentials, read_field
from modelreg.testing._workload import check_state, faulty_sandbox, run_async, run_sync

FAILURES = {
    Fault.SERVER_ERROR: ServerError,
    Fault.RATE_LIMIT: RateLimited,
    Fault.CONNECT_ERROR: TransportError,
    Fault.TRUNCATED: ProtocolError,
}
"""Each fault a sandbox injects, and the error a call that meets it (without retries) must raise."""
COMMON = ("list", "get", "create", "update", "delete", "train", "validate")


class ProviderContract:
    """The conformance checks of one provider plugin against its sandbox; subclass it as ``Test<Name>Contract``."""

    provider: ClassVar[str]
    """The provider's name, as ``modelreg.connect`` takes it."""
    create_fields: ClassVar[Mapping[str, Any]] = {}
    """The fields of a valid create; ``name_field`` is given a fresh value each time."""
    name_field: ClassVar[str] = "name"
    """The create field that becomes ``Model.name``."""
    update_fields: ClassVar[Mapping[str, Any] | None] = None
    """A valid update (string values get a counter appended); None: ``description`` if the provider updates it."""
    settings: ClassVar[Mapping[str, Any]] = {}
    """``connect()`` settings; each required secret left out gets a fresh 32-digit hex value."""
    sandbox_options: ClassVar[Mapping[str, Any]] = {}
    """Options for an empty sandbox (``Provider.sandbox(**options)``)."""
    keep_one_model: ClassVar[bool] = False
    """Whether the vendor refuses to delete a project's last model (one is then kept aside)."""
    page_size: ClassVar[int] = 4
    """The page size the pagination check lists with (at most the provider's ``max_page_size``)."""
    workload_operations: ClassVar[int] = 2000
    workload_seed: ClassVar[int] = 20261122
    workload_fault_rate: ClassVar[float] = 0.2

    # -- what the checks are made of (override to adapt) -------------------------------------

    @property
    def info(self) -> ProviderInfo:
        """The provider's catalogue entry."""
        return modelreg.provider_info(self.provider)

    @property
    def subject(self) -> Subject:
        """Everything the checks need to drive the provider, built once per test."""
        cached: Subject | None = self.__dict__.get("_subject")
        if cached is None:
            cached = Subject(
                name=self.provider,
                credentials=distinctive_credentials(self.info, self.settings),
                create=self.fields,
                update=self._change if self.changes(1) is not None else None,
                observed=self.observed,
                sandbox_options=self.sandbox_options,
                keeper=self.keep_one_model,
            )
            self.__dict__["_subject"] = cached
        return cached

    def fields(self, name: str) -> dict[str, Any]:
        """The fields of a valid create of a model called ``name``."""
        return {**self.create_fields, self.name_field: name}

    def changes(self, number: int) -> dict[str, Any] | None:
        """The fields of the ``number``-th valid update, or None when the provider offers none."""
        if "update" not in self.info.operations:
            return None
        if self.update_fields is not None:
            return {k: f"{v} {number}" if isinstance(v, str) else v for k, v in self.update_fields.items()}
        return {"description": f"contract change {number}"} if "description" in self.info.update_fields else None

    def _change(self, number: int) -> dict[str, Any]:
        return self.changes(number) or {}

    def observed(self, model: Model) -> dict[str, Any]:
        """The fields of ``model`` that creates and updates set, as read back."""
        keys = set(self.changes(1) or {})
        return {"name": model.name, **{key: read_field(model, key) for key in keys}}

    # -- records, operations, validation --------------------------------------------------

    def test_records_have_the_common_shape_and_a_ref(self) -> None:
        with self.subject.connect(self.subject.sandbox()) as reg:
            model = reg.create(**self.fields("contract record"))
            assert isinstance(model, Model) and model.provider == self.provider
            assert isinstance(model.id, str) and model.id, f"ids are non-empty strings, got {model.id!r}"
            assert model.ref == f"{self.provider}:{model.id}"
            assert modelreg.parse_ref(model.ref) == (self.provider, model.id)
            assert model.name == "contract record" and isinstance(model.status, ModelStatus)
            for when in (model.created_at, model.updated_at):
                assert when is None or when.tzinfo is not None, "timestamps are timezone-aware"
            details = model.details
            assert details is None or attrs.has(type(details)), "details must be an attrs record (the CLI shows it)"
            assert isinstance(model.raw, Mapping)
            again = reg.get(model.id)
            assert (again.id, again.name, again.provider) == (model.id, model.name, model.provider)
            assert model.id in [listed.id for listed in reg.list()]

    def test_every_declared_operation_is_a_registry_method_and_the_others_are_unsupported(self) -> None:
        info = self.info
        with self.subject.connect(self.subject.sandbox()) as reg:
            for name in info.operations:
                assert callable(getattr(reg, name)), f"reg.{name} is not callable"
            extras = [name for name in info.operations if name not in COMMON]
            assert set(extras) == set(reg.operations) and set(extras) <= set(dir(reg))
            model = reg.create(**self.fields("contract operations"))
            calls: dict[str, Callable[[], Any]] = {
                "update": lambda: reg.update(model.id, name="x"),
                "train": lambda: reg.train(model.id),
                "validate": lambda: reg.validate(model.id),
            }
            for name, call in calls.items():
                if name not in info.operations:
                    with pytest.raises(UnsupportedOperation):
                        call()

    def test_invalid_requests_are_refused_before_anything_is_sent(self) -> None:
        sandbox = self.subject.sandbox()
        sent, transport = counting(sandbox)
        largest = self.info.provider_class.max_page_size
        with self.subject.connect(sandbox, transport=transport) as reg:
            model = reg.create(**self.fields("contract validation"))
            sent.clear()
            refusals: list[Callable[[], Any]] = [
                lambda: reg.create(**self.fields("x"), contract_unknown_field=1),
                lambda: reg.list_page(contract_unknown_filter=1),
                lambda: list(reg.list(contract_unknown_filter=1)),
                lambda: reg.list_page(page_size=largest + 1),
                lambda: reg.list_page(cursor=""),
            ]
            if self.changes(1) is not None:
                refusals.append(lambda: reg.update(model.id, contract_unknown_field=1))
            for refusal in refusals:
                with pytest.raises(ValidationFailed) as refused:
                    refusal()
                assert refused.value.status_code is None and refused.value.issues
            assert sent == [], f"sent {sent} for requests that were invalid"

    # -- errors -------------------------------------------------------------------------

    def test_a_missing_model_is_not_found(self) -> None:
        with self.subject.connect(self.subject.sandbox()) as reg:
            gone = reg.create(**self.fields("contract gone"))
            reg.create(**self.fields("contract stays"))  # a vendor may keep a project's last model
            assert reg.delete(gone.id).deleted
            with pytest.raises(NotFound):
                reg.get(gone.id)
            with pytest.raises(NotFound):
                reg.delete(gone.id)
            assert not reg.delete(gone.id, missing_ok=True).deleted
            if self.changes(1) is not None:
                with pytest.raises(NotFound):
                    reg.update(gone.id, **(self.changes(1) or {}))

    @pytest.mark.parametrize("fault", list(FAILURES), ids=lambda fault: fault.value)
    def test_the_vendors_failures_are_typed_errors(self, fault: Fault) -> None:
        sandbox = self.subject.sandbox()
        with self.subject.connect(sandbox, max_retries=0) as reg:
            model = reg.create(**self.fields("contract failures"))
            sandbox.faults = FaultPlan(rate=1.0, weights={fault: 1.0})
            with pytest.raises(FAILURES[fault]) as failed:
                reg.get(model.id)
        if fault is Fault.RATE_LIMIT:
            assert isinstance(failed.value, RateLimited) and failed.value.retry_after is not None

    def test_a_request_without_credentials_is_authentication_failed(self) -> None:
        sandbox = self.subject.sandbox()
        with self.subject.connect(sandbox) as reg:
            model = reg.create(**self.fields("contract credentials"))
            provider: Provider = self.info.provider_class(reg.config)
        unsigned = first_request(provider.get(model.id))  # flows yield requests unsigned: the engine signs them
        answer = sandbox.handle(unsigned)
        if answer.status_code != 401:
            pytest.skip(f"the {self.provider} sandbox answers an unsigned request {answer.status_code}, not 401")
        assert isinstance(provider.error_for(answer), AuthenticationFailed)

    # -- listing --------------------------------------------------------------------------

    def test_listing_walks_every_model_once_in_the_vendors_order(self) -> None:
        size = max(1, min(self.page_size, self.info.provider_class.max_page_size))
        with self.subject.connect(self.subject.sandbox()) as reg:
            made = [reg.create(**self.fields(f"contract page {n:02d}")).id for n in range(2 * size + 1)]
            walked = [model.id for model in reg.list(page_size=size)]
            assert len(walked) == len(set(walked)), "list() yielded a model twice"
            assert set(made) <= set(walked), "list() missed models"
            assert walk_by_cursor(reg, size) == walked, "list_page(cursor=...) and list() disagree"
            assert [model.id for model in reg.list(page_size=size, limit=size + 1)] == walked[: size + 1]
            if self.info.paging is not Paging.CURSOR:
                assert [model.id for model in reg.list_page(page=2, page_size=size).items] == walked[size : 2 * size]

    def test_sync_and_async_registries_agree(self) -> None:
        sandbox = self.subject.sandbox()
        with self.subject.connect(sandbox) as reg:
            made = reg.create(**self.fields("contract parity"))

            async def read() -> tuple[Model, list[Model], Model]:
                async with self.subject.connect_async(sandbox) as areg:
                    made_async = await areg.create(**self.fields("contract parity async"))
                    return await areg.get(made.id), [m async for m in areg.list()], made_async

            got, listed, made_async = asyncio.run(read())
            assert got == reg.get(made.id)
            assert listed == list(reg.list())
            assert reg.get(made_async.id).name == made_async.name

    # -- secrets and writes ----------------------------------------------------------------

    def test_secrets_never_show_in_reprs_errors_logs_or_cassettes(
        self, caplog: pytest.LogCaptureFixture, tmp_path: Path
    ) -> None:
        secrets = self.subject.secrets
        assert secrets, f"{self.provider} declares no required secret setting: nothing to keep secret"
        caplog.set_level(logging.DEBUG)
        shown = gather_errors(self.subject, self.fields)
        shown.append(caplog.text)
        for text in shown:
            for secret in secrets:
                assert secret not in text, f"a secret shows in: {text[:300]}"
        pytest.importorskip("vcr", reason="cassettes need the modelreg[testing] extra")
        from modelreg.testing import Recording, scan_cassette

        with Recording(tmp_path / "contract.yaml", record_mode="once") as recording:
            reg = recording.connect(self.provider, sandbox=self.subject.sandbox(), **self.subject.credentials)
            made = reg.create(**self.fields("contract cassette"))
            reg.get(made.id)
            list(reg.list())
        assert scan_cassette(tmp_path / "contract.yaml", secrets=secrets) == []

    def test_a_create_whose_answer_is_lost_is_settled_never_sent_twice(self) -> None:
        sandbox = self.subject.sandbox()
        with self.subject.connect(sandbox) as reg:
            # Only the create loses its answer: the lookup that settles it must work.
            provider = self.info.provider_class(reg.config)
            create = sandbox.operation_of(first_request(provider.create(self.fields("contract lost"))))
            lost = FaultPlan(rate=1.0, weights={Fault.DROP_AFTER_COMMIT: 1.0}, operations={create})
            sandbox.faults = lost
            try:
                settled: Model | None = reg.create(**self.fields("contract lost"))
            except OutcomeUnknown:
                settled = None
            sandbox.faults = None
            made = [model for model in reg.list() if model.name == "contract lost"]
            assert len(made) == 1, f"the create was sent {len(made)} times"
            if self.info.provider_class.find_created is not Provider.find_created:
                assert settled is not None and settled.id == made[0].id, (
                    "find_created did not settle the create: does the provider fill Model.created_at?"
                )
            older = reg.create(**self.fields("contract twin"))
            sandbox.advance(3600)  # the twin is an hour older than the next create
            sandbox.faults = lost
            try:
                again = reg.create(**self.fields("contract twin"))
                assert again.id != older.id, "a create whose answer was lost returned a model that existed before"
            except OutcomeUnknown:
                pass
            sandbox.faults = None

    # -- the fault workload ---------------------------------------------------------------

    @pytest.mark.parametrize("mode", ["sync", "async"])
    def test_the_fault_workload_keeps_every_promise(self, mode: str, request: pytest.FixtureRequest) -> None:
        operations, seed = self.workload_operations, self.workload_seed
        sandbox: Sandbox = faulty_sandbox(self.subject, seed, self.workload_fault_rate)
        figures, lanes = (run_sync if mode == "sync" else run_async)(self.subject, sandbox, operations, seed)
        check_state(self.subject, sandbox, figures, lanes)
        report = figures.report()
        print(report)  # noqa: T201 - shown by pytest -rA or -s
        cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
        if cache is not None:
            cache.set(f"modelreg/contract/{self.provider}-{mode}", figures.as_json())
        assert figures.problems() == [], report
        assert figures.attempted >= operations and figures.succeeded > 0.8 * figures.attempted, report
        if operations >= 200:
            assert sum(figures.faults.values()) > 0 and figures.failed > 0, report
        expected = {"create", "get", "update", "delete", "list_page", "list", "delete_many"}
        assert set(figures.by_operation) == expected - (set() if self.subject.update else {"update"}), report

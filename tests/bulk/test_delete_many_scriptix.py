"""``delete_many`` against the Scriptix sandbox: its 204s, 404s and in-use 409s become typed outcomes."""

from __future__ import annotations

import asyncio

from modelreg_scriptix import ScriptixSandbox

import modelreg
from modelreg import BulkStatus, ModelInUse
from tests.sandboxes import sandbox_of


def test_scriptix_mixed_deletes_give_deleted_gone_and_in_use_outcomes() -> None:
    with modelreg.connect("scriptix", sandbox=True) as reg:
        ids = [reg.create(name=f"Model {n}", language="en").id for n in range(3)]
        sandbox_of(reg, ScriptixSandbox).mark_in_use(ids[1])
        outcomes = reg.delete_many([ids[0], ids[1], "999999", ids[2]], missing_ok=True)
        assert [o.status for o in outcomes] == [
            BulkStatus.DELETED,
            BulkStatus.FAILED,
            BulkStatus.ALREADY_GONE,
            BulkStatus.DELETED,
        ]
        assert isinstance(outcomes[1].error, ModelInUse)
        left = {m.id for m in reg.list()}
        assert ids[1] in left and ids[0] not in left and ids[2] not in left


def test_scriptix_dry_run_looks_the_ids_up_and_deletes_nothing() -> None:
    async def run() -> None:
        async with modelreg.connect_async("scriptix", sandbox=True) as reg:
            created = [await reg.create(name=f"Model {n}", language="en") for n in range(2)]
            sandbox = sandbox_of(reg)
            before = len([m async for m in reg.list()])
            outcomes = await reg.delete_many([*created, "999999"], dry_run=True, missing_ok=True)
            assert [o.status for o in outcomes] == [BulkStatus.WOULD_DELETE] * 2 + [BulkStatus.ALREADY_GONE]
            assert sandbox.requests["delete"] == 0 and sandbox.requests["get"] == 3
            assert len([m async for m in reg.list()]) == before

    asyncio.run(run())

"""Sandbox routing picks the most literal route, and links a sandbox builds include the prefix it is served under."""

from __future__ import annotations

import httpx

from modelreg.sandbox import Sandbox, asgi_app, mounted_app, route


class Catalogue(Sandbox):
    """A sandbox whose parameter route is declared before the literal one it would shadow."""

    provider = "catalogue"

    @route("GET", "/models/{model_id}", operation="get")
    def get_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        return self.json_response(200, {"route": "get", "id": model_id})

    @route("GET", "/models/custom", operation="custom")
    def custom(self, request: httpx.Request) -> httpx.Response:
        return self.json_response(200, {"route": "custom"})

    @route("GET", "/models/{model_id}/versions/latest", operation="latest")
    def latest(self, request: httpx.Request, model_id: str) -> httpx.Response:
        return self.json_response(200, {"route": "latest", "id": model_id})

    @route("GET", "/models/{model_id}/versions/{version}", operation="version")
    def version(self, request: httpx.Request, model_id: str, version: str) -> httpx.Response:
        return self.json_response(200, {"route": "version", "version": version})

    @route("GET", "/models", operation="list")
    def list_models(self, request: httpx.Request) -> httpx.Response:
        after = int(request.url.params.get("after", 0))
        following = self.link(request, params={"after": after + 1}) if after < 2 else None
        return self.json_response(200, {"after": after, "self": self.link(request), "next": following})


def _get(sandbox: Sandbox, path: str) -> httpx.Response:
    return sandbox.handle(httpx.Request("GET", f"https://api.example{path}"))


def test_a_literal_segment_wins_over_a_parameter_declared_before_it() -> None:
    sandbox = Catalogue()
    assert _get(sandbox, "/models/custom").json() == {"route": "custom"}
    assert _get(sandbox, "/models/m-1").json() == {"route": "get", "id": "m-1"}
    assert _get(sandbox, "/models/m-1/versions/latest").json() == {"route": "latest", "id": "m-1"}
    assert _get(sandbox, "/models/m-1/versions/7").json() == {"route": "version", "version": "7"}
    assert sandbox.operation_of(httpx.Request("GET", "https://api.example/models/custom")) == "custom"


def test_links_in_process_are_the_request_urls() -> None:
    body = _get(Catalogue(), "/models?after=0").json()
    assert body["self"] == "https://api.example/models?after=0"
    assert body["next"] == "https://api.example/models?after=1"


async def test_links_served_under_a_mount_prefix_include_the_prefix() -> None:
    app = mounted_app({"catalogue": asgi_app(Catalogue())})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        first = (await client.get("/catalogue/models")).json()
        assert first["self"] == "http://127.0.0.1/catalogue/models"
        assert first["next"] == "http://127.0.0.1/catalogue/models?after=1"
        following = (await client.get(first["next"])).json()
        assert following["after"] == 1
        assert following["next"] == "http://127.0.0.1/catalogue/models?after=2"


async def test_the_selise_redirect_served_under_its_prefix_points_back_under_it() -> None:
    import modelreg

    sandbox = modelreg.provider_info("selise").sandbox()
    app = mounted_app({"selise": asgi_app(sandbox)})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        answer = await client.get("/selise/models", headers={"x-blocks-key": "k"}, params={"project_key": "p"})
    assert answer.status_code == 307
    assert answer.headers["location"] == "http://127.0.0.1/selise/models/?project_key=p"

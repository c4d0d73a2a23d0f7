"""The ceiling: an ASGI app that answers every request with two bytes, under the same
uvicorn set-up as `rolecall serve` (uvloop, httptools), so http_bench.py can show how much
of a request's time is the HTTP layer's."""


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})

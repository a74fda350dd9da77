"""The guard sets the served name on every answer from parsed JSON, whatever the engine wrote there."""

import asyncio
import json

import pytest

from sftflow.serve.guard import OpenAIAnswers


def answered(messages: list[dict]) -> list[dict]:
    sent = []

    async def send(message):
        sent.append(message)

    async def play():
        answers = OpenAIAnswers(send, "local")
        for message in messages:
            await answers(message)

    asyncio.run(play())
    return sent


def start(content_type: bytes, status: int = 200) -> dict:
    return {"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]}


def body(data: bytes, more: bool = False) -> dict:
    return {"type": "http.response.body", "body": data, "more_body": more}


# transformers 5.23 answered "<path>@main", 5.24 "<path>"; a later release may answer anything
@pytest.mark.parametrize("engine_name", ["/cache/served/abc@main", "/cache/served/abc", "", "x\"y"])
def test_a_whole_answer_names_the_served_model(engine_name):
    answer = {"id": "c1", "object": "chat.completion", "model": engine_name, "choices": [{"index": 0}]}
    raw = json.dumps(answer).encode()
    sent = answered([start(b"application/json"), body(raw[:10], more=True), body(raw[10:])])
    out = json.loads(sent[-1]["body"])
    assert out == {**answer, "model": "local"}
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(sent[-1]["body"])).encode()


def test_stream_events_split_across_chunks_are_renamed_and_end_with_done():
    events = [json.dumps({"model": "/p@main", "choices": [{"delta": {"content": t}}]}) for t in ("Hel", "lo")]
    raw = b"".join(f"data: {e}\n\n".encode() for e in events)
    cut = raw.index(b"Hel") + 2  # inside the first event's JSON
    sent = answered([start(b"text/event-stream"), body(raw[:cut], more=True), body(raw[cut:])])
    stream = b"".join(m["body"] for m in sent[1:])
    lines = [line for line in stream.split(b"\n\n") if line]
    assert lines[-1] == b"data: [DONE]"
    chunks = [json.loads(line[len(b"data: "):]) for line in lines[:-1]]
    assert [c["model"] for c in chunks] == ["local", "local"]
    assert "".join(c["choices"][0]["delta"]["content"] for c in chunks) == "Hello"
    assert sent[1]["body"] == b""  # nothing of a half-received event is passed on


def test_an_engine_error_becomes_an_openai_error_without_a_model_field():
    sent = answered([start(b"application/json", 422), body(b'{"detail": "bad request"}')])
    assert json.loads(sent[-1]["body"]) == {"error": {"message": "bad request", "type": "invalid_request_error",
                                                      "param": None, "code": None}}

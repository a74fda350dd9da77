"""A request's answer as it is generated, for the fallback server (serve/fallback.py): in transformers' continuous
batch (BatchStream), or, for a sampled request with its own seed, by `generate` beside the batch (SeededStream).
`engine` is the server's fallback.Engine: its tokenizer, model, batch manager and count of active requests."""

import asyncio
import sys
import threading
import traceback
import uuid

from sftflow.serve.requests import RequestError


class Stream:
    """A request's answer as text pieces (`async for piece in stream`), with the tokens counted and the last one
    remembered; `cancel()` takes it out of generation (a client gone, a stop string met)."""

    tokens, last = 0, None

    def __init__(self, engine):
        self.engine, self.text, self.closed = engine, "", False
        engine.active += 1

    def pieces_of(self, token_ids: list[int]) -> str:
        """The new text of the tokens so far; an unfinished UTF-8 character waits for its next token."""
        self.tokens = len(token_ids)
        self.last = token_ids[-1] if token_ids else None
        text = self.engine.tokenizer.decode(token_ids, skip_special_tokens=True)
        if text.endswith("\ufffd"):
            return ""
        piece, self.text = text[len(self.text):] if text.startswith(self.text) else "", text
        return piece

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.engine.active -= 1


class BatchStream(Stream):
    """A request in transformers' continuous batch; its outputs arrive on the event loop (a result handler)."""

    def __init__(self, engine, ids: list[int], max_tokens: int, sampling: dict):
        super().__init__(engine)
        self.queue = asyncio.Queue()
        self.id = f"req-{uuid.uuid4().hex}"
        manager = engine.manager
        if not manager.is_running():
            self.close()
            raise RequestError(503, "the generation loop has stopped; restart the server", code="server_error")
        manager.register_result_handler(self.id, self.queue.put_nowait)
        if manager.add_request(ids, request_id=self.id, max_new_tokens=max_tokens, streaming=True,
                               eos_token_id=engine.eos, **sampling) is None:
            self.close()
            raise RequestError(503, "the server is not taking requests now", code="server_busy")

    async def __aiter__(self):
        try:
            while True:
                try:
                    output = await asyncio.wait_for(self.queue.get(), timeout=5)
                except TimeoutError:
                    if not self.engine.manager.is_running():  # the batch's thread died: end, do not hang
                        print("[sftflow] the generation loop stopped", file=sys.stderr, flush=True)
                        return
                    continue
                if output.error:
                    print(f"[sftflow] request {self.id} failed: {output.error}", file=sys.stderr, flush=True)
                    return
                piece = self.pieces_of(output.generated_tokens)
                if piece:
                    yield piece
                if output.is_finished():
                    self.close()
                    return
        finally:
            self.cancel()

    def cancel(self) -> None:
        if not self.closed:
            self.engine.manager.cancel_request(self.id)
            self.close()


class SeededStream(Stream):
    """A sampled request with its own seed: `generate` in a thread, sampling from a generator of its own."""

    def __init__(self, engine, ids: list[int], max_tokens: int, temperature: float, top_p: float, seed: int):
        super().__init__(engine)
        self.cancelled = threading.Event()
        self.thread = threading.Thread(target=self.run, args=(ids, max_tokens, temperature, top_p, seed),
                                       daemon=True)
        self.outputs = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        self.thread.start()

    def run(self, ids, max_tokens, temperature, top_p, seed) -> None:
        import torch
        from transformers import LogitsProcessorList, StoppingCriteria, StoppingCriteriaList

        stream, engine = self, self.engine

        class Sample:  # a LogitsProcessor: draw the token with this request's generator; generate then takes it
            generator = torch.Generator().manual_seed(int(seed))

            def __call__(self, input_ids, scores):
                probs = torch.softmax(scores.float() / temperature, dim=-1)
                if top_p < 1.0:
                    ordered, order = probs.sort(dim=-1, descending=True)
                    drop = ordered.cumsum(-1) - ordered > top_p  # keep the smallest set reaching top_p
                    probs = probs.scatter(-1, order, ordered.masked_fill(drop, 0.0))
                token = torch.multinomial(probs, 1, generator=self.generator)
                return torch.full_like(scores, -torch.inf).scatter(-1, token, 0.0)

        class Each(StoppingCriteria):  # hands each new token to the event loop; stops when cancelled
            def __call__(self, input_ids, scores, **kwargs):
                stream.loop.call_soon_threadsafe(stream.outputs.put_nowait, input_ids[0, len(ids):].tolist())
                return stream.cancelled.is_set()

        try:
            with engine.seeded, torch.inference_mode():
                engine.model.generate(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids),
                                      dtype=torch.long), max_new_tokens=max_tokens, do_sample=False,
                                      logits_processor=LogitsProcessorList([Sample()]), pad_token_id=engine.pad_id(),
                                      stopping_criteria=StoppingCriteriaList([Each()]))
        except Exception:  # noqa: BLE001 - the client gets a cut answer; the server goes on
            traceback.print_exc()
        finally:
            stream.loop.call_soon_threadsafe(stream.outputs.put_nowait, None)

    async def __aiter__(self):
        try:
            while (token_ids := await self.outputs.get()) is not None:
                piece = self.pieces_of(token_ids)
                if piece:
                    yield piece
        finally:
            self.cancel()

    def cancel(self) -> None:
        self.cancelled.set()
        self.close()

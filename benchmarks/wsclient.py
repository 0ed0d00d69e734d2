"""A headless Streamlit client: the browser's websocket protocol, spoken from Python.

One ``Session`` is one browser tab: it connects to ``/_stcore/stream`` with the
``streamlit`` subprotocol, sends ``BackMsg.rerun_script`` (a ``ClientState`` with
the page name and query string, as the frontend does on load and on every
interaction) and reads ``ForwardMsg``s until ``script_finished``. Like the
frontend it remembers the hashes of cacheable messages and sends them back, so a
rerun that repeats a large element receives a short reference instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

FOLIUM_COMPONENT = "streamlit_folium.st_folium"
_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
         ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class RunResult:
    """One script run as the client saw it."""

    page: str
    query: str
    seconds: float = 0.0
    first_delta_seconds: float | None = None
    frames: int = 0
    bytes: int = 0
    ok: bool = False
    error: str = ""
    exceptions: list[str] = field(default_factory=list)
    # The map element of this run, if any (st_folium, or an iframe with Leaflet in the what-if):
    # size of its ForwardMsg and of its HTML/args.
    folium_msg_bytes: int = 0
    folium_args_bytes: int = 0
    folium_ref: bool = False  # sent as a reference to a message the client already had


class Session:
    """One websocket session (one browser tab)."""

    def __init__(self, ws_url: str, *, use_message_cache: bool = True, locale: str = "en-GB") -> None:
        self.ws_url = ws_url
        self.use_message_cache = use_message_cache
        self.locale = locale
        self.ws: ClientConnection | None = None
        self.page_script_hash = ""
        self.cached_hashes: set[str] = set()
        self._run: RunResult | None = None
        self._sent_at = 0.0
        self._done: asyncio.Event = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._closed_error = ""
        self._folium_hashes: set[str] = set()  # hashes of the st_folium messages this session received
        self.last_folium_raw = b""

    async def connect(self, timeout: float = 30) -> None:
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=None,  # type: ignore[list-item]
                                open_timeout=timeout, ping_interval=None, compression=None)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await self._reader

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                if isinstance(raw, str):
                    continue
                self._handle(raw)
        except ConnectionClosed as exc:
            self._closed_error = f"connection closed: {exc}"
        finally:
            if not self._closed_error:
                self._closed_error = "connection closed"
            if self._run is not None and not self._done.is_set():
                self._run.error = self._run.error or self._closed_error
                self._done.set()

    def _handle(self, raw: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if msg.metadata.cacheable and msg.hash:
            self.cached_hashes.add(msg.hash)
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
        run = self._run
        if run is None:
            return
        run.frames += 1
        run.bytes += len(raw)
        now = time.perf_counter() - self._sent_at
        if kind in ("delta", "ref_hash") and run.first_delta_seconds is None:
            run.first_delta_seconds = now
        if kind == "ref_hash":
            # A reference to a cached message; the frontend looks it up by hash.
            if self._ref_is_folium(msg.ref_hash):
                run.folium_ref = True
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
            elif which == "component_instance" and element.component_instance.component_name == FOLIUM_COMPONENT:
                self._map_element(run, msg, raw, len(element.component_instance.json_args.encode()))
            elif which == "iframe" and "leaflet" in element.iframe.srcdoc[:20000]:
                self._map_element(run, msg, raw, len(element.iframe.srcdoc.encode()))
        elif kind == "page_not_found":
            run.error = f"page not found: {msg.page_not_found.page_name}"
        elif kind == "script_finished" and msg.script_finished in _DONE:
            run.seconds = now
            run.ok = not run.error and not run.exceptions
            if run.exceptions and not run.error:
                run.error = "exception in script: " + run.exceptions[0]
            self._done.set()

    def _map_element(self, run: RunResult, msg: ForwardMsg, raw: bytes, html_bytes: int) -> None:
        """The map: the st_folium component, or (what-if) an st.components.v1.html iframe with Leaflet."""
        run.folium_msg_bytes = len(raw)
        run.folium_args_bytes = html_bytes
        self._folium_hashes.add(msg.hash)
        self.last_folium_raw = raw

    def _ref_is_folium(self, ref_hash: str) -> bool:
        return ref_hash in self._folium_hashes

    async def run(self, page: str, query: str = "", timeout: float = 120) -> RunResult:
        """Rerun ``page`` (url path, '' for the main page) with ``query`` and wait for it to finish."""
        if self.ws is None:
            raise RuntimeError("not connected")
        result = RunResult(page=page, query=query)
        back = BackMsg()
        state = back.rerun_script
        state.query_string = query
        state.page_name = page
        state.page_script_hash = ""
        if self.use_message_cache:
            state.cached_message_hashes.extend(sorted(self.cached_hashes))
        state.context_info.locale = self.locale
        state.context_info.timezone = "Africa/Tunis"
        state.context_info.timezone_offset = -60
        state.context_info.url = f"{self.ws_url.replace('ws://', 'http://').split('/_stcore')[0]}/{page}" + (
            f"?{query}" if query else "")
        self._run = result
        self._done = asyncio.Event()
        self._sent_at = time.perf_counter()
        if self._closed_error:
            result.error = self._closed_error
            return result
        try:
            await self.ws.send(back.SerializeToString())
            await asyncio.wait_for(self._done.wait(), timeout)
        except TimeoutError:
            result.error = f"timeout after {timeout:.0f}s"
            result.seconds = time.perf_counter() - self._sent_at
        except ConnectionClosed as exc:
            result.error = f"connection closed: {exc}"
        finally:
            self._run = None
        return result

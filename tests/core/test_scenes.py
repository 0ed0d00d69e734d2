"""Scenes: the deck, the public URL of each view, and its QR code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from mc2cm.filters import choices
from mc2cm.loading import load_dataset
from mc2cm.scenes import deck, poll_options, public_url, qr_png, scene_index, scene_selection

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_deck_follows_the_summary() -> None:
    scenes = deck(load_dataset(ROOT / "data"))
    assert [s.view for s in scenes] == ["overview", "areas", "map", "challenges", "guiding_questions",
                                        "guiding_questions", "priorities", "key_messages",
                                        "priorities", "key_messages", "priorities", "room_results", "overview",
                                        "room_counts"]
    top = scenes[[s.id for s in scenes].index("room-top-ideas")]
    assert top.poll_id == "ideas-for-the-priorities"  # the room's top 5 from the ideas scene just before
    assert scene_index(scenes, "coordination-challenges") == 3
    assert scene_index(scenes, "nonsense") == 0


def test_public_urls() -> None:
    data = load_dataset(ROOT / "data")
    scenes = {s.id: s for s in deck(data)}
    base = "http://192.168.1.20:8501"
    assert public_url(scenes["initiatives-on-the-map"], base) == f"{base}/map?source=sfax-2019-summary"
    assert public_url(scenes["context-and-participants"], base) == f"{base}/"
    assert public_url(scenes["recommendations"], base) == f"{base}/ballot?poll=top-three-priorities"
    sel = scene_selection(scenes["initiatives-on-the-map"], choices(data))
    assert sel.source == ("sfax-2019-summary",)


def test_qr_code_decodes_to_the_url() -> None:
    url = "http://10.42.0.1:8501/map?source=sfax-2019-summary"
    image = Image.open(io.BytesIO(qr_png(url)))
    [result] = zxingcpp.read_barcodes(image)
    assert result.text == url


def test_poll_options_in_each_language() -> None:
    data = load_dataset(ROOT / "data")
    assert next(v for v, _ in poll_options(data, "priorities", "en")) == "priority-legal-framework"
    assert len(poll_options(data, "key_messages", "ar")) == 5
    assert poll_options(data, "areas", "fr")[0] == ("emergency_aid", "Aide d'urgence")


def test_the_public_address_defaults_to_the_one_the_page_was_opened_with(monkeypatch: pytest.MonkeyPatch) -> None:
    from mc2cm.scenes import public_base_url, reachable_by_phones  # noqa: PLC0415

    monkeypatch.delenv("MC2CM_PUBLIC_URL", raising=False)
    assert public_base_url(None, "http://10.42.0.1:8501/present?scene=x") == "http://10.42.0.1:8501"
    assert public_base_url("http://configured:8501/", "http://10.42.0.1:8501/present") == "http://configured:8501"
    assert public_base_url(None, "javascript:alert(1)") == "http://localhost:8501"
    assert public_base_url() == "http://localhost:8501"
    monkeypatch.setenv("MC2CM_PUBLIC_URL", "http://192.168.1.5:8501")
    assert public_base_url(None, "http://localhost:8501/present") == "http://192.168.1.5:8501"
    for local in ("http://localhost:8501", "http://127.0.0.1:8501", "http://[::1]:8501", "http://app.localhost"):
        assert not reachable_by_phones(local), local
    for reachable in ("http://10.42.0.1:8501", "https://mc2cm.example.org", "http://laptop.local:8501"):
        assert reachable_by_phones(reachable), reachable

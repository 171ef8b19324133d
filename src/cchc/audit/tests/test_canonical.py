import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from django.db import models

from cchc.audit.canonical import canonical_json, canonical_value, chain_hash, chain_text, utc_iso
from cchc.audit.constants import GENESIS_HASH


class Colour(models.TextChoices):
    RED = "red", "Đỏ"


PAYLOAD = {
    "sequence": 1,
    "at": datetime(2025, 4, 26, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    "actor_id": 7,
    "actor_label": "tiepnhan01",
    "action": "dossier.receive",
    "target_type": "dossiers.dossier",
    "target_id": "42",
    "target_label": "Hồ sơ 000.00.56.H42-250426-0001",
    "before": None,
    "after": {"status": Colour.RED, "fee": Decimal("50000.00"), "due": date(2025, 5, 6), "tags": {"b", "a"}},
    "request_id": "r-1",
}


def test_canonical_json_sorts_keys_keeps_vietnamese_and_writes_scalars_as_strings():
    text = canonical_json(PAYLOAD)

    assert text == (
        '{"action":"dossier.receive","actor_id":7,"actor_label":"tiepnhan01",'
        '"after":{"due":"2025-05-06","fee":"50000.00","status":"red","tags":["a","b"]},'
        '"at":"2025-04-26T01:30:00.000000+00:00","before":null,"request_id":"r-1","sequence":1,'
        '"target_id":"42","target_label":"Hồ sơ 000.00.56.H42-250426-0001","target_type":"dossiers.dossier"}'
    )


def test_chain_hash_is_sha256_of_the_canonical_text_with_the_previous_hash():
    text = canonical_json({**PAYLOAD, "prev_hash": GENESIS_HASH})

    assert chain_hash(PAYLOAD, GENESIS_HASH) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    # pinned: a change of serialisation would silently invalidate every stored chain
    assert chain_hash(PAYLOAD, GENESIS_HASH) == "4a78fd8472bf98e15d4decef22609579e1068e15a0046ab91e8e1c3a7db3fac0"


def test_chain_hash_depends_on_the_previous_hash():
    assert chain_hash(PAYLOAD, GENESIS_HASH) != chain_hash(PAYLOAD, "1" * 64)


def test_same_moment_in_any_time_zone_serialises_identically():
    vn = datetime(2025, 1, 1, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    utc = datetime(2025, 1, 1, 0, 0, tzinfo=UTC)

    assert utc_iso(vn) == utc_iso(utc) == "2025-01-01T00:00:00.000000+00:00"


def test_floats_uuids_tuples_and_keys_become_stable_json():
    value = {1: (0.1, 1e20), "id": UUID("12345678-1234-5678-1234-567812345678")}

    assert canonical_value(value) == {"1": ["0.1", "1e+20"], "id": "12345678-1234-5678-1234-567812345678"}


@pytest.mark.parametrize("bad", [datetime(2025, 1, 1, 7, 0), float("nan"), Decimal("Infinity"), object()])
def test_values_that_cannot_round_trip_are_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        canonical_value({"x": bad})


@pytest.mark.parametrize(
    "payload",
    [
        {k: v for k, v in PAYLOAD.items() if k != "sequence"},
        {},  # nothing but the position
        {"a": 1, "prev": "x", "prev_hash0": [1, {"z": None, "a": "é"}], "s": True, "seq": '\\"', "zz": "😀\n\u2028"},
        {"sequencez": {"prev_hash": "nested keys of the same name are data"}, "r": None},
    ],
)
def test_chain_text_spliced_with_the_position_is_the_canonical_text(payload):
    text = chain_text(canonical_value(payload))

    for sequence, prev_hash in [(1, GENESIS_HASH), (123456789012, "ab" * 32)]:
        full = canonical_json({**payload, "sequence": sequence, "prev_hash": prev_hash})
        assert text.text(sequence=sequence, prev_hash=prev_hash) == full
        assert text.hash(sequence=sequence, prev_hash=prev_hash) == chain_hash(
            {**payload, "sequence": sequence}, prev_hash
        )


def test_chain_text_refuses_a_payload_that_already_has_a_position():
    with pytest.raises(ValueError, match="position"):
        chain_text({"sequence": 1})

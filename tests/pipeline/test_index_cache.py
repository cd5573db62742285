"""The phrase-index cache is data, never code: a planted or damaged file is rebuilt over with
a log line, never run and never an error."""

from __future__ import annotations

import json
import logging
import os
import pickle
from pathlib import Path

import pytest

from pipeline.normalise import index_cache
from pipeline.normalise.gazetteer import load_gazetteer
from pipeline.normalise.index_cache import cached, digest
from pipeline.normalise.phrases import PhraseIndex

FORMS = ([("Томская область", "Томская область"), ("Томская обл", "Томская область")],
         [("Асиновский район", "Асиновский район"), ("Асино", "Асиновский район"),
          ("Асино", "город Асино")])


def _build() -> tuple[PhraseIndex, PhraseIndex]:
    return PhraseIndex.build(FORMS[0]), PhraseIndex.build(FORMS[1])


def _never() -> tuple[PhraseIndex, PhraseIndex]:
    raise AssertionError("built again, though cached")


class _Payload:
    """A pickle that runs code when loaded: it creates the file ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _plant(folder: Path, data: bytes) -> None:
    """``data`` under every name a cache of ``FORMS`` is read from (this format's, the old)."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in ("json", "pickle"):
        (folder / f"t-{digest(FORMS)}.{suffix}").write_bytes(data)


def test_the_cache_gives_back_what_was_built(folder: Path):
    built = cached("t", FORMS, _build)
    again = cached("t", FORMS, _never)
    assert [(i.keys, i.lengths) for i in again] == [(i.keys, i.lengths) for i in built]
    assert again[1].scan("в Асиновском районе")[0][1].value == "Асиновский район"
    stored = json.loads((folder / f"t-{digest(FORMS)}.json").read_text(encoding="utf-8"))
    assert (stored["format"], stored["version"], stored["digest"]) == (
        index_cache.FORMAT, index_cache.FORMAT_VERSION, digest(FORMS))


def test_a_planted_pickle_is_never_run(folder: Path, tmp_path: Path,
                                       caplog: pytest.LogCaptureFixture):
    marker = tmp_path / "pwned"
    _plant(folder, pickle.dumps(_Payload(marker)))
    with caplog.at_level(logging.INFO, "pipeline"):
        value = cached("t", FORMS, _build)
    assert not marker.exists()
    assert [i.keys for i in value] == [i.keys for i in _build()]
    assert "is not usable (not JSON" in caplog.text
    assert [i.keys for i in cached("t", FORMS, _never)] == [i.keys for i in value]


@pytest.mark.parametrize("planted", [42, "text", ("a", "b"), {"keys": 1}])
def test_a_valid_pickle_of_the_wrong_type_is_rebuilt(folder: Path, planted: object,
                                                      caplog: pytest.LogCaptureFixture):
    _plant(folder, pickle.dumps(planted))
    with caplog.at_level(logging.INFO, "pipeline"):
        first, second = cached("t", FORMS, _build)
    assert (first.keys, second.keys) == tuple(i.keys for i in _build())
    assert "rebuilding it" in caplog.text


def _mutations() -> dict[str, object]:
    good = {"format": index_cache.FORMAT, "version": index_cache.FORMAT_VERSION, "name": "t",
            "digest": "", "indexes": [index_cache.index_to_json(i) for i in _build()]}

    def edit(path: tuple[object, ...], value: object) -> dict[str, object]:
        obj = json.loads(json.dumps(good))
        target = obj
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return obj

    return {
        "version": edit(("version",), 2), "name": edit(("name",), "other"),
        "format": edit(("format",), "x"), "one_index": edit(("indexes",), []),
        "three_indexes": edit(("indexes",), [*good["indexes"], good["indexes"][0]]),  # type: ignore[list-item]
        "negative_ref": edit(("indexes", 1, "refs", 0), -1),
        "ref_out_of_range": edit(("indexes", 1, "refs", 0), 10**6),
        "ref_as_text": edit(("indexes", 1, "refs", 0), "0"),
        "ref_as_bool": edit(("indexes", 1, "refs", 0), True),
        "refs_short": edit(("indexes", 1, "refs"), []),
        "keys_as_list": edit(("indexes", 1, "keys"), [["асино"]]),
        "empty_token": edit(("indexes", 1, "keys"), "асино  район"),
        "names_not_text": edit(("indexes", 1, "names"), [1, 2]),
        "lengths_negative": edit(("indexes", 1, "lengths"), {"асино": [-1]}),
        "lengths_not_list": edit(("indexes", 1, "lengths"), {"асино": "1"}),
        "extra_field": edit(("indexes", 1, "extra"), 1),
        "not_an_object": [1, 2],
    }


@pytest.mark.parametrize("how", [*_mutations(), "truncated", "deep", "binary", "fifo",
                                 "link", "folder"])
def test_a_damaged_or_foreign_cache_file_is_rebuilt(folder: Path, tmp_path: Path, how: str,
                                                     caplog: pytest.LogCaptureFixture):
    path = folder / f"t-{digest(FORMS)}.json"
    folder.mkdir(parents=True)
    mutations = _mutations()
    if how in mutations:
        obj = mutations[how]
        if isinstance(obj, dict):
            obj["digest"] = digest(FORMS)
        path.write_text(json.dumps(obj), encoding="utf-8")
    elif how == "truncated":
        cached("t", FORMS, _build)
        path.write_bytes(path.read_bytes()[:200])
    elif how == "deep":
        path.write_text("[" * 100_000, encoding="utf-8")
    elif how == "binary":
        path.write_bytes(os.urandom(4096))
    elif how == "fifo":
        os.mkfifo(path)  # never waited on
    elif how == "link":
        cached("t", FORMS, _build)
        path.rename(tmp_path / "elsewhere.json")
        path.symlink_to(tmp_path / "elsewhere.json")
    else:
        path.mkdir()
    with caplog.at_level(logging.INFO, "pipeline"):
        first, second = cached("t", FORMS, _build)
    assert (first.keys, second.keys) == tuple(i.keys for i in _build())
    assert "is not usable" in caplog.text
    if how != "folder":  # rewritten: the next start reads it
        assert [i.keys for i in cached("t", FORMS, _never)] == [first.keys, second.keys]


def test_the_real_gazetteer_round_trips_through_the_cache(folder: Path):
    built = load_gazetteer()
    again = load_gazetteer()
    assert list(folder.glob("gazetteer-*.json"))
    for a, b in ((built.region_index, again.region_index),
                 (built.municipality_index, again.municipality_index)):
        assert a.keys == b.keys
        assert a.lengths == b.lengths

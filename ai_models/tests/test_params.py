"""params.yaml loading and the TextParams mapping."""

from __future__ import annotations

from pathlib import Path

from ai_models.params import TextParams, load_params


def test_defaults() -> None:
    p = TextParams()
    assert (p.k_folds, p.seed, p.ngram_max, p.min_df) == (5, 42, 2, 1)
    assert (p.max_features, p.C, p.max_iter, p.class_weight) == (
        50000,
        4.0,
        2000,
        "balanced",
    )


def test_from_params_reads_top_level_and_section_and_ignores_unknown(
    tmp_path: Path,
) -> None:
    path = tmp_path / "params.yaml"
    path.write_text(
        "K_FOLDS: 3\nSEED: 7\nOTHER: x\n"
        "text_classification:\n  ngram_max: 1\n  C: 0.5\n  class_weight: null\n  extra: 1\n"
        "image_classification:\n  epochs: 3\n",
        encoding="utf-8",
    )
    p = TextParams.from_params(load_params(path))
    assert p == TextParams(k_folds=3, seed=7, ngram_max=1, C=0.5, class_weight=None)


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("", encoding="utf-8")
    assert load_params(path) == {}
    assert TextParams.from_params(load_params(path)) == TextParams()

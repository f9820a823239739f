"""What GX is handed, made cheaper, gives the results of the plain frames (issue 10.4).

Two shortcuts of the validator (pipeline/quality/validate.py) must not change a result: the
text columns handed to GX are categoricals of the same values (``_categorical``), and the
ephemeral GX context does not save its config after each change (``_no_config_saves``).
Checked on the gate cases (every kind of break, both templates, totals not printed, reader
notes) and on the bundled samples (narrative claims, an implausible fee, a missing table,
unreadable files): the ``dq_results`` rows, the failures of both severities and the gate's
verdicts are those of the plain way.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.quality import validate
from tests.test_validation_chunks import _gate_cases, _samples, _validated


def test_categorical_keeps_every_value_and_every_missing_one():
    frame = pd.DataFrame(
        {
            "report_id": pd.array(["b", "a", "b", None], dtype="str"),
            "number": [1.0, float("nan"), 3.0, 4.0],
            "flag": [True, False, True, False],
        }
    )
    got = validate._categorical(frame)

    assert isinstance(got["report_id"].dtype, pd.CategoricalDtype)
    assert got["number"].dtype == "float64" and got["flag"].dtype == bool  # not text: as they were
    assert got["report_id"].tolist()[:3] == ["b", "a", "b"]
    assert math.isnan(got["report_id"].tolist()[3])  # missing, as in the text column
    assert (got["report_id"] == "b").tolist() == (frame["report_id"] == "b").tolist()
    assert frame["report_id"].dtype == "str"  # the frame itself is not changed
    assert validate._categorical(frame[["number"]]).equals(frame[["number"]])  # no text column: as it was


@pytest.mark.parametrize("batch", [_gate_cases, _samples], ids=["gate-cases", "samples"])
def test_gx_on_categoricals_without_config_saves_gives_the_results_of_the_text_columns(tmp_path, batch, monkeypatch):
    results = batch(tmp_path)
    cheap, cheap_rows, cheap_verdicts = _validated(tmp_path / "cheap", results, chunk=len(results))
    monkeypatch.setattr(validate, "_categorical", lambda read: read)
    monkeypatch.setattr(validate, "_no_config_saves", lambda context: None)
    plain, plain_rows, plain_verdicts = _validated(tmp_path / "plain", results, chunk=len(results))

    assert cheap_rows == plain_rows
    assert cheap.summary() == plain.summary()
    assert dict(cheap.blocking) == dict(plain.blocking)
    assert dict(cheap.warnings) == dict(plain.warnings)
    assert cheap_verdicts == plain_verdicts
    assert plain.blocking and plain.warnings  # failures of both severities were compared

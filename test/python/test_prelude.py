"""What every step shares: clean text for the record, and outputs that fit Cloud Build's 4 KB."""

import json

import pytest

from pkgrelay_steps.prelude import encode_output, last_lines, strip_controls


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[33mWARNING\x1b[0m  long_description missing", "WARNING  long_description missing"),
        ("\x1b]0;pwned title\x07after", "after"),
        ("\x1b]52;c;ZXZpbA==\x1b\\after", "after"),
        ("real line\rfake line", "real linefake line"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("\x9b31mC1 CSI", "C1 CSI"),
        ("tabs\tand\nnewlines stay", "tabs\tand\nnewlines stay"),
        ("crlf\r\nline", "crlf\nline"),
        ("ünïcödé ✓", "ünïcödé ✓"),
    ],
)
def test_strip_controls(raw, clean):
    assert strip_controls(raw) == clean


def test_last_lines_are_clean():
    assert last_lines("a\n\x1b[31mERROR\x1b[0m b\n\n") == "a | ERROR b"


def test_output_fits_by_shortening_the_message_never_the_json():
    payload = {"error": {"code": "BUILD_FAILED", "message": "é" * 3000, "logTail": "ü" * 5000 + "the cause"}}
    data = encode_output(payload)
    assert len(data) <= 4000
    decoded = json.loads(data.decode("utf-8"))
    assert decoded["error"]["code"] == "BUILD_FAILED"
    assert decoded["error"]["logTail"].endswith("the cause")


def test_small_output_is_unchanged():
    payload = {"files": ["a-1.tar.gz", "a-1-py3-none-any.whl"]}
    assert json.loads(encode_output(payload)) == payload

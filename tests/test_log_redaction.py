import logging

from app.log_redaction import RedactTokens, redact


def test_tokens_in_paths_and_queries_are_redacted() -> None:
    line = (
        '127.0.0.1:5 - "GET /enter/WyJhYmMi.sig HTTP/1.1" 303 and /ws/x?token=abc.def&format=html'
    )
    assert redact(line) == (
        '127.0.0.1:5 - "GET /enter/[redacted] HTTP/1.1" 303 and /ws/x?token=[redacted]&format=html'
    )


def test_the_filter_rewrites_uvicorn_access_records() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s"',
        ("ip", "GET", "/enter/abc"),
        None,
    )
    assert RedactTokens().filter(record)
    assert record.getMessage() == 'ip - "GET /enter/[redacted]"'

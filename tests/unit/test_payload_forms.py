"""The payload forms a request can declare: which are accepted, which refused and how, and the
plain (not chunked) forms with their checksum headers."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.auth import checksums
from rolecall.auth.payload import payload_verifier
from rolecall.protocol.errors import AWSError
from tests.unit.payload_helpers import KEY, SCOPE, STAMP, feed_all, headers

DATA = b"The quick brown fox jumps over the lazy dog" * 100
SHA = hashlib.sha256(DATA).hexdigest()
CRC32 = base64.b64encode(zlib.crc32(DATA).to_bytes(4, "big")).decode()


def _verifier(form: str | None, presigned: bool = False, **values: str):
    return payload_verifier(form, signing_key=KEY, seed_signature="0" * 64, amz_stamp=STAMP,
                            scope=SCOPE, headers=headers(**values), presigned=presigned)


def _code(form: str | None, presigned: bool = False, **values: str) -> tuple[str, int, str]:
    with pytest.raises(AWSError) as err:
        _verifier(form, presigned, **values)
    return err.value.code, err.value.status, err.value.message


def test_declared_sha256_is_checked():
    verifier = _verifier(SHA, content_length=str(len(DATA)))
    assert feed_all(verifier, DATA, [10, 20]) == (DATA, {})


def test_declared_sha256_in_upper_case_is_the_same_hash():
    assert feed_all(_verifier(SHA.upper()), DATA, []) == (DATA, {})


@pytest.mark.parametrize("length", [None, str(len(DATA))])
def test_body_other_than_its_declared_sha256_is_refused(length):
    values = {"content_length": length} if length else {}
    with pytest.raises(AWSError) as err:
        feed_all(_verifier(SHA, **values), DATA[:-1] + b"?", [])
    assert (err.value.code, err.value.status) == ("XAmzContentSHA256Mismatch", 400)


def test_declared_sha256_of_an_empty_body():
    assert feed_all(_verifier(hashlib.sha256(b"").hexdigest(), content_length="0"), b"",
                    []) == (b"", {})


def test_body_shorter_than_its_content_length_is_incomplete():
    with pytest.raises(AWSError) as err:
        feed_all(_verifier(SHA, content_length=str(len(DATA) + 1)), DATA, [])
    assert err.value.code == "IncompleteBody"


def test_body_longer_than_its_content_length_is_refused():
    with pytest.raises(AWSError) as err:
        feed_all(_verifier("UNSIGNED-PAYLOAD", content_length="3"), b"abcd", [])
    assert err.value.code == "IncompleteBody"


def test_unsigned_payload_passes_through_unheld():
    verifier = _verifier("UNSIGNED-PAYLOAD", content_length=str(len(DATA)))
    assert verifier.feed(DATA) == DATA
    assert verifier.finish() == {}


def test_unsigned_payload_with_a_checksum_header_is_checked_and_its_last_byte_held():
    verifier = _verifier("UNSIGNED-PAYLOAD", content_length=str(len(DATA)),
                         x_amz_checksum_crc32=CRC32)
    assert verifier.feed(DATA[:-1]) == DATA[:-1]
    assert verifier.feed(DATA[-1:]) == DATA[-1:]
    assert verifier.finish() == {}


@pytest.mark.parametrize("algorithm", list(checksums.ALGORITHMS))
def test_checksum_header_mismatch_is_a_bad_digest(algorithm):
    running = checksums.ALGORITHMS[algorithm][1]()
    running.update(DATA + b"!")
    value = base64.b64encode(running.digest()).decode()
    verifier = _verifier("UNSIGNED-PAYLOAD", **{f"x_amz_checksum_{algorithm}": value})
    with pytest.raises(AWSError) as err:
        feed_all(verifier, DATA, [])
    assert (err.value.code, err.value.status) == ("BadDigest", 400)
    assert err.value.message == (
        f"The {checksums.ALGORITHMS[algorithm][0]} you specified did not match the calculated "
        "checksum.")


@pytest.mark.parametrize("value", ["", "AAAA", "not-base64!", "AAAAAAAAAAA="])
def test_malformed_checksum_header_is_invalid(value):
    assert _code("UNSIGNED-PAYLOAD", x_amz_checksum_crc32=value) == (
        "InvalidRequest", 400, "Value for x-amz-checksum-crc32 header is invalid.")


def test_two_checksum_headers_are_refused():
    code, status, message = _code("UNSIGNED-PAYLOAD", x_amz_checksum_crc32=CRC32,
                                  x_amz_checksum_sha1="AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    assert (code, status) == ("InvalidRequest", 400)
    assert "Multiple checksum Types are not allowed" in message


def test_checksum_type_header_is_not_a_checksum():
    verifier = _verifier("UNSIGNED-PAYLOAD", x_amz_checksum_type="FULL_OBJECT",
                         x_amz_checksum_crc32=CRC32)
    assert feed_all(verifier, DATA, []) == (DATA, {})


def test_header_form_without_x_amz_content_sha256_is_refused():
    assert _code(None) == ("InvalidRequest", 400,
                           "Missing required header for this request: x-amz-content-sha256")


def test_presigned_without_x_amz_content_sha256_is_unsigned_payload():
    assert feed_all(_verifier(None, presigned=True), DATA, [7]) == (DATA, {})


@pytest.mark.parametrize("form", ["STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
                                  "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"])
def test_sigv4a_streaming_is_not_implemented(form):
    code, status, message = _code(form, x_amz_decoded_content_length="1")
    assert (code, status) == ("NotImplemented", 501)
    assert form in message


@pytest.mark.parametrize("form", ["", "STREAMING-PAYLOAD", "unsigned-payload", "abc" * 21 + "x",
                                  SHA[:-1]])
def test_unknown_form_is_an_invalid_argument(form):
    code, status, message = _code(form)
    assert (code, status) == ("InvalidArgument", 400)
    assert message.startswith("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, ")


def test_signed_streaming_in_a_presigned_url_does_not_match():
    code, status, _ = _code("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", presigned=True,
                            x_amz_decoded_content_length="1")
    assert (code, status) == ("SignatureDoesNotMatch", 403)


@pytest.mark.parametrize("form", ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                                  "STREAMING-UNSIGNED-PAYLOAD-TRAILER"])
def test_streaming_without_decoded_content_length_is_refused(form):
    assert _code(form, x_amz_trailer="x-amz-checksum-crc32")[:2] == ("MissingContentLength", 411)


def test_decoded_content_length_that_is_no_number_is_refused():
    code, _, _ = _code("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", x_amz_decoded_content_length="-1")
    assert code == "InvalidArgument"


@pytest.mark.parametrize("trailer", [None, "x-amz-meta-foo", "x-amz-checksum-md5",
                                     "x-amz-checksum-type"])
def test_trailer_form_needs_a_supported_trailer(trailer):
    values = {"x_amz_trailer": trailer} if trailer else {}
    assert _code("STREAMING-UNSIGNED-PAYLOAD-TRAILER", x_amz_decoded_content_length="1",
                 **values) == ("InvalidRequest", 400,
                               "The value specified in the x-amz-trailer header is not supported")


def _unsigned_trailer_body(data: bytes, name: str, value: str, chunk: int = 1000) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + chunk]), data[i:i + chunk])
             for i in range(0, len(data), chunk)]
    return b"".join(parts) + f"0\r\n{name}:{value}\r\n\r\n".encode()


def _trailer_verifier(name: str = "x-amz-checksum-crc32", length: int = len(DATA)):
    return _verifier("STREAMING-UNSIGNED-PAYLOAD-TRAILER", x_amz_trailer=name,
                     x_amz_decoded_content_length=str(length))


def test_unsigned_trailer_with_small_chunks_verifies():
    body = _unsigned_trailer_body(DATA, "x-amz-checksum-crc32", CRC32, chunk=7)
    assert feed_all(_trailer_verifier(), body, [3]) == (DATA, {"x-amz-checksum-crc32": CRC32})


def test_unsigned_trailer_with_a_wrong_value_is_a_bad_digest():
    body = _unsigned_trailer_body(DATA, "x-amz-checksum-crc32", "AAAAAA==")
    with pytest.raises(AWSError) as err:
        feed_all(_trailer_verifier(), body, [])
    assert err.value.message == "The CRC32 you specified did not match the calculated checksum."


def test_unsigned_trailer_missing_is_malformed():
    body = _unsigned_trailer_body(DATA, "x-amz-checksum-crc32", CRC32)
    for end in (b"\r\n", b"\r\n\r\n"):
        with pytest.raises(AWSError) as err:
            feed_all(_trailer_verifier(), body[:body.rindex(b"0\r\n") + 3] + end, [])
        assert err.value.code == "MalformedTrailerError"


def test_unsigned_trailer_cut_before_its_end_is_incomplete():
    body = _unsigned_trailer_body(DATA, "x-amz-checksum-crc32", CRC32)
    with pytest.raises(AWSError) as err:
        feed_all(_trailer_verifier(), body[:-2], [])
    assert err.value.code == "IncompleteBody"


def test_unsigned_chunk_with_a_signature_is_refused():
    body = b"3;chunk-signature=" + b"0" * 64 + b"\r\nabc\r\n0\r\n\r\n"
    with pytest.raises(AWSError) as err:
        feed_all(_trailer_verifier(length=3), body, [])
    assert err.value.code == "IncompleteBody"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=5))
def test_arbitrary_bytes_as_aws_chunked_raise_only_aws_errors(body, cuts):
    verifier = _trailer_verifier(length=len(body) // 2)
    try:
        feed_all(verifier, body, cuts)
    except AWSError as err:
        assert err.status in (400, 403)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=5000), st.integers(1, 600), st.lists(st.integers(0, 6000)))
def test_unsigned_trailer_round_trips_any_payload_and_split(data, chunk, cuts):
    value = base64.b64encode(hashlib.sha256(data).digest()).decode()
    body = _unsigned_trailer_body(data, "x-amz-checksum-sha256", value, chunk)
    verifier = _trailer_verifier("x-amz-checksum-sha256", len(data))
    assert feed_all(verifier, body, cuts) == (data, {"x-amz-checksum-sha256": value})

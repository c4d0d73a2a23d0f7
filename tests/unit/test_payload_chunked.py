"""Signed aws-chunked payloads: AWS's worked examples reproduced exactly, and every tampering
refused with S3's error."""

from __future__ import annotations

import base64
import contextlib
import hmac

import pytest
from awscrt import checksums as crt
from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.auth import sigv4
from rolecall.auth.payload import payload_verifier
from rolecall.protocol.errors import AWSError
from tests.unit.payload_helpers import (
    KEY,
    SCOPE,
    SECRET,
    STAMP,
    feed_all,
    headers,
    signed_body,
    trailer_signature,
)

# "Example: PUT Object" of AWS's chunked-upload page: the seed signature and the three chunk
# signatures it documents for 65536 + 1024 bytes of 'a'.
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
DOC_CHUNKS = (
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
)
# The trailing-headers page: its seed, chunk signatures, CRC32C trailer and its signature.
TRAILER_SEED = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
TRAILER_DOC_CHUNKS = (
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
)
TRAILER_DOC_SIGNATURE = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
PAYLOAD = b"a" * 66560
CHUNKS = [PAYLOAD[:65536], PAYLOAD[65536:]]


def _doc_body(signatures: tuple[str, ...], trailer: bytes = b"\r\n") -> bytes:
    return (b"10000;chunk-signature=%s\r\n%s\r\n" % (signatures[0].encode(), CHUNKS[0])
            + b"400;chunk-signature=%s\r\n%s\r\n" % (signatures[1].encode(), CHUNKS[1])
            + b"0;chunk-signature=%s\r\n" % signatures[2].encode() + trailer)


DOC_BODY = _doc_body(DOC_CHUNKS)
TRAILER_DOC_BODY = _doc_body(
    TRAILER_DOC_CHUNKS,
    b"x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:%s\r\n\r\n"
    % TRAILER_DOC_SIGNATURE.encode(),
)


def _request_headers(form: str, **extra: str) -> dict[str, list[str]]:
    values = {"x_amz_decoded_content_length": "66560", **extra}
    return headers(host="s3.amazonaws.com", x_amz_date=STAMP,
                   x_amz_storage_class="REDUCED_REDUNDANCY", x_amz_content_sha256=form,
                   content_encoding="aws-chunked", **values)


def _verifier(form: str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", seed: str = SEED, **extra: str):
    return payload_verifier(form, signing_key=KEY, seed_signature=seed, amz_stamp=STAMP,
                            scope=SCOPE, headers=_request_headers(form, **extra),
                            presigned=False)


def _trailer_verifier(**extra: str):
    return _verifier("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", TRAILER_SEED,
                     x_amz_trailer="x-amz-checksum-crc32c", **extra)


def _seed_of(request_headers: dict[str, list[str]]) -> sigv4.Verified:
    """Verify the documented seed signature through sigv4.verify, as the pipeline would."""
    names = ";".join(sorted(request_headers))
    authorization = (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        f"SignedHeaders={names}, Signature="
        + (TRAILER_SEED if "x-amz-trailer" in request_headers else SEED)
    )
    signed = sigv4.from_authorization(authorization, {k: v[0] for k, v in request_headers.items()})
    return sigv4.verify(signed, SECRET, "PUT", "/examplebucket/chunkObject.txt", [],
                        request_headers, b"")


def test_documented_seed_signature_verifies_with_the_declared_streaming_value():
    verified = _seed_of(_request_headers("STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                                         content_length="66824"))
    assert verified.signature == SEED
    assert verified.scope == SCOPE
    assert verified.signing_key == KEY
    assert verified.payload_hash == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"


def test_documented_trailer_seed_signature_verifies():
    request_headers = _request_headers("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                                       x_amz_trailer="x-amz-checksum-crc32c")
    assert _seed_of(request_headers).signature == TRAILER_SEED


def test_seed_signature_over_another_declared_form_does_not_match():
    request_headers = _request_headers("STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                       content_length="66824")
    with pytest.raises(AWSError) as err:
        _seed_of(request_headers)
    assert err.value.code == "SignatureDoesNotMatch"


def test_documented_chunk_signatures_are_reproduced_by_the_chain():
    assert signed_body(SEED, CHUNKS) == DOC_BODY
    assert len(DOC_BODY) == 66824  # the example's Content-Length


def test_documented_chunked_body_decodes_to_the_object():
    assert feed_all(_verifier(), DOC_BODY, []) == (PAYLOAD, {})


def test_documented_trailer_body_decodes_and_reports_its_checksum():
    assert base64.b64encode(crt.crc32c(PAYLOAD).to_bytes(4, "big")) == b"sOO8/Q=="
    decoded, trailers = feed_all(_trailer_verifier(), TRAILER_DOC_BODY, [])
    assert decoded == PAYLOAD
    assert trailers == {"x-amz-checksum-crc32c": "sOO8/Q=="}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(TRAILER_DOC_BODY)), max_size=40))
def test_any_split_of_the_documented_bodies_decodes_the_same(cuts):
    assert feed_all(_verifier(), DOC_BODY, cuts) == (PAYLOAD, {})
    assert feed_all(_trailer_verifier(), TRAILER_DOC_BODY, cuts)[0] == PAYLOAD


def test_one_byte_at_a_time_decodes():
    verifier = _trailer_verifier()
    out = b"".join(verifier.feed(TRAILER_DOC_BODY[i:i + 1])
                   for i in range(len(TRAILER_DOC_BODY)))
    assert out == PAYLOAD
    assert verifier.finish() == {"x-amz-checksum-crc32c": "sOO8/Q=="}


def test_last_byte_is_held_until_the_final_chunk_is_verified():
    verifier = _verifier()
    end_of_data = DOC_BODY.rindex(b"0;chunk-signature=")
    released = verifier.feed(DOC_BODY[:end_of_data])
    assert released == PAYLOAD[:-1]
    assert verifier.feed(DOC_BODY[end_of_data:-1]) == b""
    assert verifier.feed(DOC_BODY[-1:]) == b"a"


def test_last_byte_is_held_until_the_trailer_signature_is_verified():
    verifier = _trailer_verifier()
    assert verifier.feed(TRAILER_DOC_BODY[:-2]) == PAYLOAD[:-1]
    assert verifier.feed(TRAILER_DOC_BODY[-2:]) == b"a"


def _refused(verifier, body: bytes, code: str, status: int = 400) -> AWSError:
    with pytest.raises(AWSError) as err:
        feed_all(verifier, body, [len(body) // 3])
    assert (err.value.code, err.value.status) == (code, status)
    return err.value


def test_tampered_chunk_data_does_not_match():
    body = bytearray(DOC_BODY)
    body[100] ^= 1
    err = _refused(_verifier(), bytes(body), "SignatureDoesNotMatch", 403)
    assert err.message.startswith("The request signature we calculated does not match")


def test_tampered_chunk_signature_does_not_match():
    body = DOC_BODY.replace(DOC_CHUNKS[1].encode(), b"0" * 64)
    _refused(_verifier(), body, "SignatureDoesNotMatch", 403)


def test_tampered_final_chunk_signature_does_not_match():
    _refused(_verifier(), DOC_BODY.replace(DOC_CHUNKS[2].encode(), DOC_CHUNKS[1].encode()),
             "SignatureDoesNotMatch", 403)


def test_chunks_reordered_do_not_match():
    body = signed_body(SEED, [b"b" * 8192, b"c" * 8192])
    swapped = signed_body(SEED, [b"c" * 8192, b"b" * 8192])
    first = body.index(b"\r\n", 100) + 2
    second_swapped = swapped.index(b"\r\n", 100) + 2
    mixed = swapped[:second_swapped] + body[first:]
    _refused(_verifier(x_amz_decoded_content_length="16384"), mixed,
             "SignatureDoesNotMatch", 403)


def test_wrong_seed_does_not_match():
    _refused(_verifier(seed=TRAILER_SEED), DOC_BODY, "SignatureDoesNotMatch", 403)


def test_tampered_trailer_value_does_not_match_its_signature():
    body = TRAILER_DOC_BODY.replace(b"sOO8/Q==", b"AAAAAA==")
    _refused(_trailer_verifier(), body, "SignatureDoesNotMatch", 403)


def test_missing_trailer_signature_does_not_match():
    body = TRAILER_DOC_BODY.replace(
        b"x-amz-trailer-signature:" + TRAILER_DOC_SIGNATURE.encode() + b"\r\n", b"")
    _refused(_trailer_verifier(), body, "SignatureDoesNotMatch", 403)


def test_signed_trailer_with_a_wrong_checksum_is_a_bad_digest():
    body = signed_body(TRAILER_SEED, CHUNKS, ("x-amz-checksum-crc32c", "AAAAAA=="))
    err = _refused(_trailer_verifier(), body, "BadDigest")
    assert err.message == "The CRC32C you specified did not match the calculated checksum."


def test_signed_trailer_with_a_malformed_checksum_is_invalid():
    body = signed_body(TRAILER_SEED, CHUNKS, ("x-amz-checksum-crc32c", "not base64"))
    err = _refused(_trailer_verifier(), body, "InvalidRequest")
    assert err.message == "Value for x-amz-checksum-crc32c trailing header is invalid."


def test_trailer_other_than_declared_is_malformed():
    body = signed_body(TRAILER_SEED, CHUNKS, ("x-amz-checksum-crc32", "AAAAAA=="))
    err = _refused(_trailer_verifier(), body, "MalformedTrailerError")
    assert err.message == ("The request contained trailing data that was not well-formed or "
                           "did not conform to our published schema.")


def test_trailer_line_without_a_colon_is_malformed():
    body = TRAILER_DOC_BODY.replace(b"x-amz-checksum-crc32c:", b"x-amz-checksum-crc32c ")
    _refused(_trailer_verifier(), body, "MalformedTrailerError")


def test_trailer_the_doc_computed_is_accepted_after_a_blank_line():
    # Some clients end the last chunk's (empty) data with CRLF before the trailer.
    body = TRAILER_DOC_BODY.replace(b"\r\nx-amz-checksum", b"\r\n\r\nx-amz-checksum")
    assert feed_all(_trailer_verifier(), body, [])[0] == PAYLOAD


def test_truncated_body_is_incomplete():
    for end in (10, 70, 65536, len(DOC_BODY) - 100, len(DOC_BODY) - 1):
        with pytest.raises(AWSError) as err:
            feed_all(_verifier(), DOC_BODY[:end], [])
        assert err.value.code == "IncompleteBody", end


def test_missing_final_chunk_is_incomplete():
    body = DOC_BODY[:DOC_BODY.rindex(b"0;chunk-signature=")]
    with pytest.raises(AWSError) as err:
        feed_all(_verifier(), body, [])
    assert err.value.code == "IncompleteBody"
    assert err.value.message == "The request body terminated unexpectedly"


def test_decoded_length_larger_than_sent_is_refused():
    _refused(_verifier(x_amz_decoded_content_length="66561"), DOC_BODY, "IncompleteBody")


def test_decoded_length_smaller_than_sent_is_refused():
    _refused(_verifier(x_amz_decoded_content_length="66559"), DOC_BODY, "IncompleteBody")


def test_chunk_smaller_than_8_kib_before_the_last_is_refused():
    body = signed_body(SEED, [b"x" * 8191, b"y" * 8192])
    err = _refused(_verifier(x_amz_decoded_content_length="16383"), body,
                   "InvalidChunkSizeError", 403)
    assert err.message == "Only the last chunk is allowed to have a size less than 8192 bytes"


def test_small_single_chunk_is_accepted():
    body = signed_body(SEED, [b"hello"])
    assert feed_all(_verifier(x_amz_decoded_content_length="5"), body, [3, 90]) == (b"hello", {})


def test_empty_object_is_one_final_chunk():
    body = signed_body(SEED, [])
    assert feed_all(_verifier(x_amz_decoded_content_length="0"), body, [1]) == (b"", {})


def test_bytes_after_the_end_are_refused():
    _refused(_verifier(), DOC_BODY + b"0\r\n", "InvalidRequest")


def test_bad_size_or_missing_signature_is_refused():
    size_body = DOC_BODY.replace(b"10000;", b"1000g;", 1)
    assert _refused(_verifier(), size_body, "IncompleteBody")
    unsigned = DOC_BODY.replace(b";chunk-signature=" + DOC_CHUNKS[0].encode(), b"", 1)
    assert _refused(_verifier(), unsigned, "SignatureDoesNotMatch", 403)


def test_overlong_chunk_header_is_refused_without_buffering_it():
    verifier = _verifier()
    with pytest.raises(AWSError) as err:
        for _ in range(100):
            verifier.feed(b"1" * 100)
    assert err.value.code == "IncompleteBody"


def test_data_not_followed_by_crlf_is_refused():
    body = DOC_BODY.replace(CHUNKS[1] + b"\r\n", CHUNKS[1] + b"\n\r", 1)
    _refused(_verifier(), body, "IncompleteBody")


def test_a_longer_stream_with_many_chunks_and_a_trailer_verifies():
    data = bytes(range(256)) * 1000
    chunks = [data[i:i + 65536] for i in range(0, len(data), 65536)]
    checksum = base64.b64encode(crt.crc64nvme(data).to_bytes(8, "big")).decode()
    body = signed_body(TRAILER_SEED, chunks, ("x-amz-checksum-crc64nvme", checksum))
    verifier = _verifier("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", TRAILER_SEED,
                         x_amz_trailer="x-amz-checksum-crc64nvme",
                         x_amz_decoded_content_length=str(len(data)))
    decoded, trailers = feed_all(verifier, body, list(range(0, len(body), 7777)))
    assert decoded == data
    assert trailers == {"x-amz-checksum-crc64nvme": checksum}


def test_trailer_signature_is_chained_from_the_final_chunk():
    assert hmac.compare_digest(
        trailer_signature(TRAILER_DOC_CHUNKS[2], b"x-amz-checksum-crc32c:sOO8/Q==\n"),
        TRAILER_DOC_SIGNATURE,
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzzed_framing_raises_only_aws_errors(data):
    body = bytearray(signed_body(TRAILER_SEED, [b"q" * 9000, b"r" * 10],
                                 ("x-amz-checksum-crc32c", "AAAAAA==")))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(body) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            body[position] = data.draw(st.integers(0, 255))
        elif action == "delete":
            del body[position]
        else:
            body[position:position] = data.draw(st.binary(min_size=1, max_size=8))
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=6))
    verifier = _trailer_verifier(x_amz_decoded_content_length="9010")
    with contextlib.suppress(AWSError):
        feed_all(verifier, bytes(body), cuts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(TRAILER_DOC_BODY) - 1), min_size=1, max_size=20))
def test_payload_completes_only_in_the_feed_that_ends_the_body(cuts):
    """Whatever the split, the upstream never has the whole object before the body's last
    byte (the trailer signature's line end) has been fed and verified."""
    verifier = _trailer_verifier()
    released, start = 0, 0
    for cut in sorted(set(cuts)):
        released += len(verifier.feed(TRAILER_DOC_BODY[start:cut]))
        start = cut
        assert released < len(PAYLOAD)
    released += len(verifier.feed(TRAILER_DOC_BODY[start:]))
    assert released == len(PAYLOAD)

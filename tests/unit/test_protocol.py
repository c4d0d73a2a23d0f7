"""The query-protocol layer: parsing, validation messages, and XML botocore reads back."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from botocore.model import Shape
from botocore.parsers import QueryParser
from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.protocol import models, query, validate, xml
from rolecall.protocol.errors import AWSError


def _input(service: str, operation: str) -> Shape:
    return models.operation_model(service, operation).input_shape


def test_lists_of_structures_and_scalars_are_parsed_by_shape():
    form = {
        "Action": "CreateRole",
        "RoleName": "r",
        "AssumeRolePolicyDocument": "{}",
        "MaxSessionDuration": "7200",
        "Tags.member.1.Key": "a",
        "Tags.member.1.Value": "1",
        "Tags.member.2.Key": "b",
        "Tags.member.2.Value": "",
    }
    params = query.parse_params(_input("iam", "CreateRole"), form)
    assert params == {
        "RoleName": "r",
        "AssumeRolePolicyDocument": "{}",
        "MaxSessionDuration": 7200,
        "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}],
    }


def test_booleans_timestamps_and_nested_lists_are_typed():
    form = {
        "PolicySourceArn": "arn:aws:iam::123456789012:user/Bob",
        "ActionNames.member.1": "iam:ListUsers",
        "ContextEntries.member.1.ContextKeyName": "aws:MultiFactorAuthPresent",
        "ContextEntries.member.1.ContextKeyType": "boolean",
        "ContextEntries.member.1.ContextKeyValues.member.1": "true",
    }
    params = query.parse_params(_input("iam", "SimulatePrincipalPolicy"), form)
    assert params["ContextEntries"][0]["ContextKeyValues"] == ["true"]
    form = {"RoleName": "r", "MaxItems": "5"}
    assert query.parse_params(_input("iam", "ListRolePolicies"), form)["MaxItems"] == 5
    form = {"OpenIDConnectProviderArn": "arn", "Tags.member.1.Key": "k",
            "Tags.member.1.Value": "v"}
    assert query.parse_params(_input("iam", "TagOpenIDConnectProvider"), form)["Tags"] == [
        {"Key": "k", "Value": "v"}]


def test_an_empty_list_is_sent_as_the_bare_name():
    params = query.parse_params(_input("iam", "UntagRole"), {"RoleName": "r", "TagKeys": ""})
    assert params["TagKeys"] == []


def test_a_non_number_for_an_integer_member_is_a_validation_error():
    with pytest.raises(AWSError) as err:
        query.parse_params(_input("iam", "ListUsers"), {"MaxItems": "ten"})
    assert err.value.code == "ValidationError"
    assert "'maxItems'" in err.value.message


def test_validation_counts_and_joins_every_problem():
    # IAM names the member but never the value (recorded TagUser answers: "Value at
    # 'tags.1.member.value' failed to satisfy constraint: Member must not be null").
    shape = _input("iam", "CreateRole")
    with pytest.raises(AWSError) as err:
        validate.validate(shape, {"RoleName": "bad name!", "MaxSessionDuration": 60})
    assert err.value.message == (
        "3 validation errors detected: "
        "Value at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must "
        "not be null; "
        "Value at 'maxSessionDuration' failed to satisfy constraint: Member must have "
        "value greater than or equal to 3600; "
        "Value at 'roleName' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [\\w+=,.@-]+"
    )
    assert err.value.status == 400


def test_sts_quotes_the_offending_value():
    with pytest.raises(AWSError) as err:
        validate.validate(_input("sts", "AssumeRole"),
                          {"RoleArn": "arn:aws:iam::123456789012:role/r",
                           "RoleSessionName": "bad name"}, show_values=True)
    assert err.value.message == (
        "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")


def test_a_list_of_scalars_is_one_problem_on_the_list():
    # Recorded UntagUser answers: however many keys break the member constraints, the
    # list is reported once with every constraint of its members.
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "UntagUser"),
                          {"UserName": "u", "TagKeys": ["bad#", "k", "bad*"]})
    assert err.value.message == (
        "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 128, "
        "Member must have length greater than or equal to 1, Member must satisfy regular "
        "expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]")


def test_validation_of_lengths_enums_and_nested_members():
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "UpdateAccessKey"),
                          {"AccessKeyId": "AKIA" * 5, "Status": "Paused"}, enum_values=False)
    # IAM names neither the value nor the enum's values (LocalStack's AWS-validated test_iam.py,
    # TestIAMServiceSpecificCredentials::test_invalid_update_parameters).
    assert err.value.message.endswith(
        "Value at 'status' failed to satisfy constraint: Member must satisfy enum value set")
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "TagRole"),
                          {"RoleName": "r", "Tags": [{"Key": "k" * 129, "Value": "v"}]})
    assert ("at 'tags.1.member.key' failed to satisfy constraint: Member must have length "
            "less than or equal to 128") in err.value.message


def test_sensitive_values_are_not_echoed_in_validation_errors():
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "CreateLoginProfile"), {"UserName": "u", "Password": ""})
    assert "Value at 'password' failed to satisfy constraint" in err.value.message


# --- round trip: every operation's output, as botocore parses it --------------------------

SPECIAL = "<a & 'b' \"c\">/é"
WHEN = dt.datetime(2024, 2, 29, 12, 30, 45, tzinfo=dt.UTC)


def sample(shape: Shape, depth: int = 0, text: str = SPECIAL):
    kind = shape.type_name
    if kind == "structure":
        if depth > 6:
            return {}
        return {name: sample(member, depth + 1, text) for name, member in shape.members.items()}
    if kind == "list":
        return [sample(shape.member, depth + 1, text) for _ in range(2)]
    if kind == "map":
        return {f"k{i}": sample(shape.value, depth + 1, text) for i in range(2)}
    if kind == "string":
        return shape.enum[0] if shape.enum else text
    if kind in ("integer", "long"):
        return 42
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return WHEN
    if kind == "blob":
        return b"\x00\xffblob"
    if kind in ("float", "double"):
        return 1.5
    raise AssertionError(kind)


def normalise(shape: Shape, value):
    """What botocore hands back for ``value``: policy documents stay URL-encoded in the
    parser (the client decodes them later), so undo that here."""
    kind = shape.type_name
    if kind == "structure":
        return {k: normalise(shape.members[k], v) for k, v in value.items()}
    if kind == "list":
        return [normalise(shape.member, v) for v in value]
    if kind == "map":
        return {k: normalise(shape.value, v) for k, v in value.items()}
    if kind == "string" and shape.name == "policyDocumentType":
        return unquote(value)
    if kind == "timestamp":
        return value.astimezone(dt.UTC)
    return value


def _operations():
    for service in models.SERVICES:
        if models.service_model(service).metadata["protocol"] != "query":
            continue  # the JSON protocol has its own round trip (test_protocol_json.py)
        model = models.service_model(service)
        for name in model.operation_names:
            if model.operation_model(name).output_shape is not None:
                yield service, name


@pytest.mark.parametrize(("service", "operation"), list(_operations()))
def test_botocore_parses_every_output_shape_without_loss(service, operation):
    model = models.operation_model(service, operation)
    shape = model.output_shape
    value = sample(shape)
    body = xml.success(service, model, value, "req-1")
    parsed = QueryParser().parse(
        {"body": body, "headers": {}, "status_code": 200}, shape
    )
    parsed.pop("ResponseMetadata", None)
    assert normalise(shape, parsed) == value


@settings(max_examples=60)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               max_size=60))
def test_any_printable_text_survives_the_xml_round_trip(text):
    model = models.operation_model("iam", "GetRole")
    value = sample(model.output_shape, text=text)
    body = xml.success("iam", model, value, "r")
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 200},
                                 model.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert normalise(model.output_shape, parsed) == value


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from('ab&<>"\'\t\n\r\x00\x0b\x1f\x7f\xa0\u2028'
                                        '\ud800\ufffe\uffff\U0001f600'), max_size=20))
def test_escape_replaces_what_xml_cannot_carry_and_quotes_markup(text):
    # The characters XML 1.0 allows (Char production), each markup one as its reference.
    allowed = [c if c in "\t\n\r" or "\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd"
               or c >= "\U00010000" else "\ufffd" for c in text]
    references = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
    assert xml.escape(text) == "".join(references.get(c, c) for c in allowed)


def test_error_response_carries_code_message_type_and_request_id():
    body = xml.error("iam", AWSError("NoSuchEntity", "The role with name x cannot be found."),
                     "req-9")
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 404}, None)
    assert parsed["Error"] == {"Type": "Sender", "Code": "NoSuchEntity",
                               "Message": "The role with name x cannot be found."}
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"


def test_problems_are_listed_by_member_path():
    # Recorded CreateOpenIDConnectProvider answer (LocalStack's AWS-validated test_iam_oidc
    # snapshot): lists of length-only members do not add "Member must not be null".
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "CreateOpenIDConnectProvider"),
                          {"Url": "https://" + "a" * 260, "ClientIDList": [""],
                           "ThumbprintList": ["abc"]})
    assert err.value.message == (
        "3 validation errors detected: Value at 'clientIDList' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 255, "
        "Member must have length greater than or equal to 1]; Value at 'thumbprintList' failed "
        "to satisfy constraint: Member must satisfy constraint: [Member must have length less "
        "than or equal to 40, Member must have length greater than or equal to 40]; Value at "
        "'url' failed to satisfy constraint: Member must have length less than or equal to 255")


def test_problems_are_listed_in_the_order_aws_lists_them():
    # Recorded UpdateAccountPasswordPolicy answer (LocalStack's AWS-validated
    # test_iam_account_password_policy snapshot): neither the model's order nor the alphabet's.
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "UpdateAccountPasswordPolicy"),
                          {"MaxPasswordAge": 1096, "MinimumPasswordLength": 129,
                           "PasswordReusePrevention": 25})
    assert [p.split("'")[1] for p in err.value.message.split("; ")] == [
        "minimumPasswordLength", "passwordReusePrevention", "maxPasswordAge"]


def test_a_path_outside_the_pattern_gets_iams_own_words():
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "CreateVirtualMFADevice"),
                          {"VirtualMFADeviceName": "d", "Path": "no-leading-slash/"})
    assert err.value.message == validate.PATH_INVALID
    with pytest.raises(AWSError) as err:
        validate.validate(_input("iam", "CreateVirtualMFADevice"),
                          {"VirtualMFADeviceName": "d", "Path": "/" + "a" * 512 + "/"})
    assert err.value.message == ("1 validation error detected: Value at 'path' failed to "
                                 "satisfy constraint: Member must have length less than or "
                                 "equal to 512")


@given(st.lists(st.text(alphabet="ab.", max_size=8), max_size=6))
def test_the_prefixes_of_form_keys_are_their_dotted_beginnings(keys):
    expected = {".".join(key.split(".")[:i]) for key in keys
                for i in range(1, key.count(".") + 2)}
    assert query._prefixes(dict.fromkeys(keys, "v")) == expected

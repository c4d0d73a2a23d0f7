"""CreatePolicy documents with the answers AWS recorded for them.

Source: LocalStack's AWS-validated suite, tests/aws/services/iam/test_iam_policies.py
(INVALID_POLICY_DOCUMENTS, VALID_POLICY_DOCUMENTS) and its snapshot
test_iam_policies.snapshot.json (recorded against AWS, February 2026). The documents are
data: the index in each list is the case number of the recording.
"""

from __future__ import annotations

SYNTAX = "Syntax errors in policy."
VERSION = "Policy document must be version 2012-10-17 or greater."
LEGACY = "The policy failed legacy parsing"
VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
ACTIONS = "Policy statement must contain actions."
RESOURCES = "Policy statement must contain resources."
BUCKET = "arn:aws:s3:::example_bucket"
IAM_PATH = ('IAM resource path must either be "*", root, or start with user/, federated-user/, '
            "role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, "
            "saml-provider/, oidc-provider/, report/, access-report/.")


def doc(*statements, version="2012-10-17", **top):
    body = {"Version": version} if version else {}
    body.update(top)
    body["Statement"] = statements[0] if len(statements) == 1 else list(statements)
    return body


ALLOW_LIST = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET}


def cond(condition, **extra):
    return doc({**ALLOW_LIST, **extra, "Condition": condition})


INVALID = [
    ("This is not a json document", SYNTAX),  # 0
    (doc(ALLOW_LIST, version=None), VERSION),
    (doc(ALLOW_LIST, version="2008-10-17"), VERSION),
    (doc(ALLOW_LIST, version="2013-10-17"), SYNTAX),
    ({"Version": "2012-10-17"}, SYNTAX),
    ({"Version": "2012-10-17", "Statement": ["afd"]}, SYNTAX),  # 5
    (doc(ALLOW_LIST, **{"Extra field": "value"}), SYNTAX),
    (doc({**ALLOW_LIST, "Extra field": "value"}), SYNTAX),
    (doc(ALLOW_LIST, Id=["cd3a324d2343d942772346-34234234423404-4c2242343242349d1642ee"]),
     SYNTAX),
    (doc(ALLOW_LIST, Id={}), SYNTAX),
    (doc({**ALLOW_LIST, "Effect": "invalid"}), SYNTAX),  # 10
    (doc({"Effect": "Allow", "Action": "invalid", "Resource": BUCKET}), VENDOR),
    (doc({"Effect": "Allow", "NotAction": "", "Resource": BUCKET}), VENDOR),
    (doc({"Effect": "Allow", "Action": "a a:ListBucket", "Resource": BUCKET}),
     "Vendor a a is not valid"),
    (doc({"Effect": "Allow", "Action": "s3:List:Bucket", "Resource": BUCKET}), ONE_COLON),
    (doc({"Effect": "Allow", "Action": "s3s:ListBucket", "Resource": BUCKET},  # 15
         {"Effect": "Allow", "Action": "s:3s:ListBucket", "Resource": BUCKET}), ONE_COLON),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "invalid resource"}),
     'Resource invalid resource must be in ARN format or "*".'),
    (doc({"Sid": "EnableDisableHongKong", "Effect": "Allow",
          "Action": ["account:EnableRegion", "account:DisableRegion"], "Resource": "",
          "Condition": {"StringEquals": {"account:TargetRegion": "ap-east-1"}}},
         {"Sid": "ViewConsole", "Effect": "Allow",
          "Action": ["aws-portal:ViewAccount", "account:ListRegions"], "Resource": ""}),
     'Resource  must be in ARN format or "*".'),
    (doc({"Effect": "Allow", "Action": "s:3:ListBucket", "Resource": "sdfsadf"}),
     'Resource sdfsadf must be in ARN format or "*".'),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["adf"]}),
     'Resource adf must be in ARN format or "*".'),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ""}),  # 20
     'Resource  must be in ARN format or "*".'),
    (doc({"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:bsdfdsafsad"}),
     'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".'),
    (doc({"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:cadfsdf"}),
     'Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".'),
    (doc({"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:c:d:e:f:g:h"}),
     'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".'),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "aws:s3:::example_bucket"}),
     'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".'),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket",  # 25
          "Resource": ["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"]}),
     'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".'),
    ({"Version": "2012-10-17", "Statement": []}, SYNTAX),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket"}), RESOURCES),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": []}), RESOURCES),
    (doc({"Effect": "Allow", "Action": "invalid"}), RESOURCES),
    (doc({"Effect": "Allow", "Resource": BUCKET}), ACTIONS),  # 30
    (doc({"Action": "s3:ListBucket", "Resource": BUCKET}), SYNTAX),
    (doc({"Effect": "Allow"}), ACTIONS),
    (doc({"Effect": "Allow", "Action": [], "Resource": BUCKET}), ACTIONS),
    (doc({"Effect": "Deny"}, ALLOW_LIST), ACTIONS),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket",  # 35
          "Resource": "arn:aws:iam:::example_bucket"}), IAM_PATH),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket",
          "Resource": "arn:aws:s3::example_bucket"}), LEGACY),
    (doc({"Effect": "Allow", "Resource": "arn:aws:s3::example_bucket"}), LEGACY),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws"}),
     "Resource vendor must be fully qualified and cannot contain regexes."),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"a": BUCKET}}), SYNTAX),
    (doc({"Effect": "Deny", "Action": "s3:ListBucket", "Resource": ["adfdf", {}]}),  # 40
     SYNTAX),
    (doc({"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": BUCKET,
          "NotResource": []}), SYNTAX),
    (doc({"Effect": "Deny", "Action": [[]], "Resource": BUCKET}), SYNTAX),
    (doc({"Effect": "Allow", "NotAction": "s3s:ListBucket", "Action": [],
          "Resource": BUCKET}), SYNTAX),
    (doc({"Effect": "Allow", "Action": {}, "Resource": BUCKET}), SYNTAX),
    (cond([]), SYNTAX),  # 45
    (cond("a"), SYNTAX),
    (cond({"a": "b"}), SYNTAX),
    (cond({"DateGreaterThan": "b"}), SYNTAX),
    (cond({"DateGreaterThan": []}), SYNTAX),
    (cond({"DateGreaterThan": {"a": {}}}), SYNTAX),  # 50
    (doc({"Effect": "Allow", "Resource": BUCKET,
          "Condition": {"DateGreaterThan": {"a": {}}}}), SYNTAX),
    (cond({"x": {"a": "1"}}), SYNTAX),
    (cond({"ForAnyValue::StringEqualsIfExists": {"a": "asf"}}), SYNTAX),
    (cond([{"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}]), SYNTAX),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket",  # 55
          "Resource": "arn:aws:iam:us-east-1::example_bucket"}),
     "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket",
          "Resource": "arn:aws:s3:us-east-1::example_bucket"}),
     "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."),
    (doc({"Sid": {}, **ALLOW_LIST}), SYNTAX),
    (doc({"Sid": [], **ALLOW_LIST}), SYNTAX),
    (doc({"Sid": "sdf", **ALLOW_LIST}, {"Sid": "sdf", "Effect": "Allow"}),
     "Statement IDs (SID) in a single policy must be unique."),
    (doc({"Sid": "sdf", **ALLOW_LIST}, {"Sid": "sdf", "Effect": "Allow"}, version=None),  # 60
     VERSION),
    (doc({"Effect": "Allow", "NotAction": "s3:ListBucket", "Action": "iam:dsf",
          "Resource": BUCKET}), SYNTAX),
    (doc({**ALLOW_LIST, "NotResource": "*"}), SYNTAX),
    (doc({**ALLOW_LIST, "Effect": "denY"}), LEGACY),
    (cond({"DateGreaterThan": {"a": "sdfdsf"}}), LEGACY),
    (doc({**ALLOW_LIST, "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}},  # 65
         version=None), VERSION),
    (doc({**ALLOW_LIST, "Effect": "denY"}, version=None), VERSION),
    (doc({"Effect": "Allow", "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}), LEGACY),
    (doc({"Effect": "Allow", "NotAction": "s3:ListBucket",
          "Resource": "arn:aws::::example_bucket"}), LEGACY),
    (doc({"Effect": "allow", "Resource": "arn:aws:s3:us-east-1::example_bucket"}), LEGACY),
    (doc({"Sid": "sdf", **ALLOW_LIST, "Effect": "aLLow"},  # 70
         {"Sid": "sdf", "Effect": "Allow"}), LEGACY),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket",
          "NotResource": "arn:aws:s3::example_bucket"}), LEGACY),
    (cond({"DateLessThanEquals": {"a": "234-13"}}), LEGACY),
    (cond({"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+1"}}), LEGACY),
    (cond({"DateLessThanEquals": {"a": "2016-12-13t2:00:00.1999999999+10:59"}}), LEGACY),
    (cond({"DateLessThan": {"a": "9223372036854775808"}}), LEGACY),  # 75
    (doc({"Effect": "Allow", "Action": "s3:ListBucket",
          "Resource": "arn:error:s3:::example_bucket",
          "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}), LEGACY),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws::fdsasf"}),
     LEGACY),
]

SELF_MANAGED = [
    {"Sid": "AllowViewAccountInfo", "Effect": "Allow",
     "Action": ["iam:GetAccountPasswordPolicy", "iam:GetAccountSummary",
                "iam:ListVirtualMFADevices"], "Resource": "*"},
    {"Sid": "AllowManageOwnPasswords", "Effect": "Allow",
     "Action": ["iam:ChangePassword", "iam:GetUser"],
     "Resource": "arn:aws:iam::*:user/${aws:username}"},
    {"Sid": "AllowManageOwnVirtualMFADevice", "Effect": "Allow",
     "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
     "Resource": "arn:aws:iam::*:mfa/${aws:username}"},
    {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny",
     "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
                   "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
                   "sts:GetSessionToken"],
     "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
]

VALID = [
    doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": [BUCKET]}),  # 0
    doc({"Effect": "Allow", "Action": "iam: asdf safdsf af ", "Resource": BUCKET}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": [BUCKET, "*"]}),
    doc({"Effect": "Allow", "Action": "*", "Resource": BUCKET}),
    {"Version": "2012-10-17", "Statement": [ALLOW_LIST]},
    doc({"Effect": "Allow", "Action": "service-prefix:action-name", "Resource": "*",  # 5
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"},
                       "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}}}),
    doc({"Effect": "Allow", "Action": "fsx:ListBucket", "Resource": BUCKET}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:iam:::user/example_bucket"}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:s33:::example_bucket"}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:fdsasf"}),
    cond({}),  # 10
    cond({"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:cloudwatch:us-east-1::example_bucket"}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:ec2:us-east-1::example_bucket"}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:invalid-service:::example_bucket"}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket",  # 15
         "Resource": "arn:aws:invalid-service:us-east-1::example_bucket"}),
    cond({"DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"},
          "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}}),
    cond({"DateGreaterThan": {}}),
    cond({"DateGreaterThan": {"a": []}}),
    cond({"a": {}}),
    doc({"Sid": "dsfsdfsdfsdfsdfsadfsd", **ALLOW_LIST}),  # 20
    doc({"Sid": "ConsoleDisplay", "Effect": "Allow",
         "Action": ["iam:GetRole", "iam:GetUser", "iam:ListRoles", "iam:ListRoleTags",
                    "iam:ListUsers", "iam:ListUserTags"], "Resource": "*"},
        {"Sid": "AddTag", "Effect": "Allow", "Action": ["iam:TagUser", "iam:TagRole"],
         "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestTag/CostCenter": ["A-123", "B-456"]},
                       "ForAllValues:StringEquals": {"aws:TagKeys": "CostCenter"}}}),
    doc({"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": BUCKET}),
    doc({"Effect": "Deny", "Action": "s3:*",
         "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}),
    doc({"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": BUCKET}, Id="sdfsdfsdf"),
    doc({"Effect": "Allow", "Action": "aaaaaadsfdsafsadfsadfaaaaa:ListBucket",  # 25
         "Resource": BUCKET}),
    doc({"Effect": "Allow", "Action": "s3-s:ListBucket", "Resource": BUCKET}),
    doc({"Effect": "Allow", "Action": "s3.s:ListBucket", "Resource": BUCKET}),
    doc({"Effect": "Allow", "NotAction": "s3:ListBucket", "NotResource": "*"}),
    doc({"Sid": "sdf", **ALLOW_LIST}, ALLOW_LIST),
    cond({"DateGreaterThan": {"a": "01T"}}),  # 30
    cond({"x": {}, "y": {}}),
    cond({"StringEqualsIfExists": {"a": "asf"}}),
    cond({"ForAnyValue:StringEqualsIfExists": {"a": "asf"}}),
    cond({"DateLessThanEquals": {"a": "2019-07-01T13:20:15Z"}}),
    cond({"DateLessThanEquals": {"a": "2016-12-13T21:20:37.593194+00:00"}}),  # 35
    cond({"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+23"}}),
    cond({"DateLessThan": {"a": "-292275054"}}),
    doc(*SELF_MANAGED),
    doc({"Sid": "ListAndDescribe", "Effect": "Allow",
         "Action": ["dynamodb:List*", "dynamodb:DescribeReservedCapacity*",
                    "dynamodb:DescribeLimits", "dynamodb:DescribeTimeToLive"], "Resource": "*"},
        {"Sid": "SpecificTable", "Effect": "Allow",
         "Action": ["dynamodb:BatchGet*", "dynamodb:DescribeStream", "dynamodb:Query"],
         "Resource": "arn:aws:dynamodb:*:*:table/MyTable"}),
    doc({"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"],  # 40
         "Resource": ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*:*:instance/*"],
         "Condition": {"ArnEquals": {
             "ec2:SourceInstanceARN": "arn:aws:ec2:*:*:instance/instance-id"}}}),
    doc({"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"],
         "Resource": "arn:aws:ec2:*:*:volume/*",
         "Condition": {"StringEquals": {"ec2:ResourceTag/VolumeUser": "${aws:username}"}}}),
    doc({"Sid": "StartStopIfTags", "Effect": "Allow",
         "Action": ["ec2:StartInstances", "ec2:StopInstances", "ec2:DescribeTags"],
         "Resource": "arn:aws:ec2:region:account-id:instance/*",
         "Condition": {"StringEquals": {"ec2:ResourceTag/Project": "DataAnalytics",
                                        "aws:PrincipalTag/Department": "Data"}}}),
    doc({"Sid": "ListYourObjects", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": ["arn:aws:s3:::bucket-name"],
         "Condition": {"StringLike": {"s3:prefix": [
             "cognito/application-name/${cognito-identity.amazonaws.com:sub}"]}}}),
    doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bucket-name",
         "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:userid}/*"]}}}),
    doc({"Sid": "AllObjectActions", "Effect": "Allow", "Action": "s3:*Object",  # 45
         "Resource": ["arn:aws:s3:::bucket-name/*"]}),
    doc(*SELF_MANAGED[:2]),
    doc({"Action": "ec2:*", "Resource": "*", "Effect": "Allow",
         "Condition": {"StringEquals": {"ec2:Region": "region"}}}),
    doc({"Effect": "Allow", "Action": "rds:*", "Resource": ["arn:aws:rds:region:*:*"]},
        {"Effect": "Allow", "Action": ["rds:Describe*"], "Resource": ["*"]}),
    doc({"Sid": "", "Effect": "Allow", "Action": "rds:*", "Resource": ["arn:aws:rds:region:*:*"]},
        {"Sid": "", "Effect": "Allow", "Action": ["rds:Describe*"], "Resource": ["*"]}),
    doc({"Sid": "", "Effect": "Allow", "Action": ["s3:*"],  # 50
         "Resource": ["arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point",
                      "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point/object/*"]}),
]

"""EC2, Lambda, ECS and Step Functions: resources, tag-on-create and iam:PassRole."""

from rolecall.authz.services import Check, checks_for

from .service_params import assert_botocore_members

ACCOUNT = "111122223333"
EC2 = f"arn:aws:ec2:us-east-1:{ACCOUNT}"


def call(service: str, operation: str, **params) -> list[Check]:
    if service != "nosuch":
        assert_botocore_members(service, operation, params)
    return checks_for(service, operation, params, region="us-east-1", account_id=ACCOUNT)


def test_describe_is_decided_on_star_with_the_region():
    assert call("ec2", "DescribeInstances", InstanceIds=["i-1"]) == [
        Check("ec2:DescribeInstances", "*", {"ec2:Region": "us-east-1"})]


def test_run_instances_names_every_resource_and_tags_on_create():
    found = call("ec2", "RunInstances", ImageId="ami-0abc", InstanceType="t3.micro",
                 MinCount=1, MaxCount=1, SubnetId="subnet-1", SecurityGroupIds=["sg-1", "sg-2"],
                 KeyName="ops", IamInstanceProfile={"Name": "web"},
                 TagSpecifications=[{"ResourceType": "instance",
                                     "Tags": [{"Key": "team", "Value": "red"}]}])
    assert [(c.action, c.resource) for c in found] == [
        ("ec2:RunInstances", f"{EC2}:instance/*"),
        ("ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-0abc"),
        ("ec2:RunInstances", f"{EC2}:subnet/subnet-1"),
        ("ec2:RunInstances", f"{EC2}:network-interface/*"),
        ("ec2:RunInstances", f"{EC2}:security-group/sg-1"),
        ("ec2:RunInstances", f"{EC2}:security-group/sg-2"),
        ("ec2:RunInstances", f"{EC2}:volume/*"),
        ("ec2:RunInstances", f"{EC2}:key-pair/ops"),
        ("ec2:CreateTags", f"{EC2}:instance/*"),
        ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:instance-profile/web"),
    ]
    assert found[0].context == {"ec2:Region": "us-east-1", "ec2:InstanceType": "t3.micro",
                                "aws:RequestTag/team": "red", "aws:TagKeys": ["team"]}
    assert found[6].context == {"ec2:Region": "us-east-1"}
    assert found[8].context["ec2:CreateAction"] == "RunInstances"
    assert found[9].context == {"iam:PassedToService": "ec2.amazonaws.com"}


def test_instance_actions_are_per_instance_and_create_tags_per_resource():
    found = call("ec2", "TerminateInstances", InstanceIds=["i-1", "i-2"])
    assert [c.resource for c in found] == [f"{EC2}:instance/i-1", f"{EC2}:instance/i-2"]
    found = call("ec2", "CreateTags", Resources=["vol-9", "i-1"],
                 Tags=[{"Key": "k", "Value": "v"}])
    assert [c.resource for c in found] == [f"{EC2}:volume/vol-9", f"{EC2}:instance/i-1"]
    assert found[0].context == {"ec2:Region": "us-east-1", "aws:RequestTag/k": "v",
                                "aws:TagKeys": ["k"]}


def test_create_calls_name_the_new_resource_and_what_they_use():
    found = call("ec2", "CreateSnapshot", VolumeId="vol-1", TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}])
    assert [(c.action, c.resource) for c in found] == [
        ("ec2:CreateSnapshot", "arn:aws:ec2:us-east-1::snapshot/*"),
        ("ec2:CreateSnapshot", f"{EC2}:volume/vol-1"),
        ("ec2:CreateTags", "arn:aws:ec2:us-east-1::snapshot/*")]
    assert found[0].context["aws:RequestTag/k"] == "v"
    assert found[2].context["ec2:CreateAction"] == "CreateSnapshot"
    found = call("ec2", "CreateSecurityGroup", GroupName="web", Description="d", VpcId="vpc-1")
    assert [c.resource for c in found] == [f"{EC2}:security-group/*", f"{EC2}:vpc/vpc-1"]
    found = call("ec2", "AuthorizeSecurityGroupIngress", GroupId="sg-1")
    assert [c.resource for c in found] == [f"{EC2}:security-group/sg-1"]


def test_associate_instance_profile_passes_its_role():
    found = call("ec2", "AssociateIamInstanceProfile", InstanceId="i-1",
                 IamInstanceProfile={"Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/p"})
    assert found[0].resource == f"{EC2}:instance/i-1"
    assert found[1].action == "iam:PassRole"


def test_lambda_create_function_passes_the_role_to_lambda():
    role = f"arn:aws:iam::{ACCOUNT}:role/exec"
    found = call("lambda", "CreateFunction", FunctionName="fn", Role=role, Runtime="python3.12",
                 Handler="h", Code={"ZipFile": b"x"}, Tags={"team": "red"})
    assert found == [
        Check("lambda:CreateFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn",
              {"aws:RequestTag/team": "red", "aws:TagKeys": ["team"]}),
        Check("iam:PassRole", role, {"iam:PassedToService": "lambda.amazonaws.com"})]
    assert call("lambda", "UpdateFunctionConfiguration", FunctionName="fn",
                Role=role)[1].action == "iam:PassRole"
    assert len(call("lambda", "UpdateFunctionConfiguration", FunctionName="fn",
                    Timeout=3)) == 1


def test_lambda_invoke_names_forms():
    assert call("lambda", "Invoke", FunctionName="fn") == [
        Check("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn", {})]
    assert call("lambda", "Invoke", FunctionName="222233334444:function:fn",
                Qualifier="prod")[0].resource == (
        "arn:aws:lambda:us-east-1:222233334444:function:fn:prod")
    full = "arn:aws:lambda:eu-west-1:222233334444:function:fn"
    assert call("lambda", "GetFunction", FunctionName=full)[0] == Check(
        "lambda:GetFunction", full, {})
    assert call("lambda", "ListFunctions")[0] == Check("lambda:ListFunctions", "*", {})


def test_lambda_event_source_mapping_and_permission_keys():
    found = call("lambda", "CreateEventSourceMapping", FunctionName="fn",
                 EventSourceArn="arn:aws:sqs:us-east-1:111122223333:q")
    assert found == [Check("lambda:CreateEventSourceMapping", "*", {
        "lambda:FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"})]
    found = call("lambda", "AddPermission", FunctionName="fn", StatementId="s",
                 Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert found[0].context == {"lambda:Principal": "s3.amazonaws.com"}


def test_step_functions_create_state_machine_passes_role():
    role = f"arn:aws:iam::{ACCOUNT}:role/sfn"
    found = call("stepfunctions", "CreateStateMachine", name="m", definition="{}",
                 roleArn=role)
    assert found == [
        Check("states:CreateStateMachine",
              f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:m", {}),
        Check("iam:PassRole", role, {"iam:PassedToService": "states.amazonaws.com"})]
    machine = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:m"
    assert call("stepfunctions", "StartExecution", stateMachineArn=machine) == [
        Check("states:StartExecution", machine, {})]


def test_ecs_task_definition_passes_task_roles():
    found = call("ecs", "RegisterTaskDefinition", family="f", containerDefinitions=[],
                 taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/task")
    assert found[0].action == "ecs:RegisterTaskDefinition"
    assert found[1] == Check("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/task",
                             {"iam:PassedToService": "ecs-tasks.amazonaws.com"})

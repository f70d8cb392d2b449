"""What an operator relies on in template.yaml: alarms that reach someone, logs that expire,
throttles that protect the pipeline, gateway errors that are valid JSON, scanner skips with reasons."""

import json
from typing import Any

import pytest

from devstack.gateway import render_gateway_response
from devstack.template import Template

API_FUNCTIONS = [
    "ListMessagesFunction",
    "SendSmsFunction",
    "SendEmailFunction",
    "ContactsFunction",
    "SendoMessagesFunction",
    "WorkspaceMessagesFunction",
]


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.load()


def alarms(template: Template) -> dict[str, dict[str, Any]]:
    return template.of_type("AWS::CloudWatch::Alarm")


def watched(template: Template) -> set[tuple[str, str, str]]:
    """(namespace, metric, the resource or dimension it watches) for every alarm."""
    result = set()
    for properties in alarms(template).values():
        dimensions = properties.get("Dimensions", [])
        target = dimensions[0]["Value"] if dimensions else ""
        result.add((properties["Namespace"], properties["MetricName"], json.dumps(target, sort_keys=True)))
    return result


def test_gateway_default_4xx_renders_valid_json_for_any_message(template: Template):
    # Given the DEFAULT_4XX body and a message with quotes, as API Gateway substitutes it
    body = template.api()["GatewayResponses"]["DEFAULT_4XX"]["ResponseTemplates"]["application/json"]
    message = 'Invalid request body: "name" is "x"'
    # When it is rendered, Then it is one JSON object that carries the message as it was
    assert json.loads(render_gateway_response(body, message)) == {"error": "Bad request", "message": message}


def test_every_alarm_notifies_the_alarm_topic(template: Template):
    assert alarms(template)
    for name, properties in alarms(template).items():
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert properties["TreatMissingData"] == "notBreaching", name


def test_alarms_watch_the_pipeline_end_to_end(template: Template):
    # Given the failure modes an operator must hear about before a customer does
    expected = {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", '{"Fn::GetAtt": ["DeliveryDeadLetterQueue", "QueueName"]}'),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", '{"Fn::GetAtt": ["SendJobDeadLetterQueue", "QueueName"]}'),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", '{"Fn::GetAtt": ["DeliveryQueue", "QueueName"]}'),
        ("AWS/Lambda", "Throttles", '{"Ref": "DeliveryWorkerFunction"}'),
        ("AWS/Lambda", "Errors", '{"Ref": "DeliveryWorkerFunction"}'),
        ("SendMe", "MessagesSwept", '"sweeper"'),
        ("AWS/ApiGateway", "5XXError", '{"Fn::Sub": "${AWS::StackName}-api"}'),
        ("AWS/SES", "Reputation.BounceRate", '""'),
        ("AWS/SES", "Reputation.ComplaintRate", '""'),
        ("AWS/SNS", "SMSMonthToDateSpentUSD", '""'),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", '{"Fn::GetAtt": ["PriorityDeliveryQueue", "QueueName"]}'),
        ("SendMe", "EmailSendingSuspended", '"receipts"'),
    }
    # Then each has an alarm
    assert expected <= watched(template)


def _kept_failures(node: Any) -> set[str]:
    """Every queue the template keeps failures on: redrive targets and on-failure destinations."""
    found: set[str] = set()
    if isinstance(node, dict):
        target = node.get("deadLetterTargetArn") or (node.get("OnFailure") or {}).get("Destination")
        if isinstance(target, dict) and "Fn::GetAtt" in target:
            found.add(target["Fn::GetAtt"][0])
        for value in node.values():
            found |= _kept_failures(value)
    elif isinstance(node, list):
        for value in node:
            found |= _kept_failures(value)
    return found


def test_every_queue_of_failures_has_an_alarm(template: Template):
    # Given every queue where the template parks what a function or queue gave up on
    kept = _kept_failures(dict(template.resources))
    assert {"DeliveryDeadLetterQueue", "ReceiptsFailureQueue", "InboundFailureQueue"} <= kept
    # Then an alarm fires as soon as one holds a message: nothing waits there unseen
    for queue in kept:
        target = json.dumps({"Fn::GetAtt": [queue, "QueueName"]}, sort_keys=True)
        assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", target) in watched(template), queue


def test_sweeper_alarm_dimension_is_the_sweeper_service_name(template: Template):
    # Powertools Metrics adds the function's POWERTOOLS_SERVICE_NAME as the `service` dimension
    (alarm,) = [a for a in alarms(template).values() if a["MetricName"] == "MessagesSwept"]
    service = template.function_environment("SweeperFunction")["POWERTOOLS_SERVICE_NAME"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": service}]


def test_api_5xx_alarm_watches_the_api_by_its_name(template: Template):
    (alarm,) = [a for a in alarms(template).values() if a["MetricName"] == "5XXError"]
    assert alarm["Dimensions"][0]["Value"] == template.api()["Name"]


def test_every_function_has_a_log_group_with_retention(template: Template):
    groups = template.of_type("AWS::Logs::LogGroup").values()
    named = {json.dumps(group["LogGroupName"]) for group in groups if "LogGroupName" in group}
    for function in template.of_type("AWS::Serverless::Function"):
        assert json.dumps({"Fn::Sub": f"/aws/lambda/${{{function}}}"}) in named, function
    assert all("RetentionInDays" in group for group in groups)


def test_api_access_logs_are_json_without_headers(template: Template):
    setting = template.api()["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(setting["Format"])
    # The organisation is on the function's log lines of the same request id (no authorizer here)
    assert {"requestId", "status"} <= set(fields)
    assert not any("header" in value.lower() for value in fields.values())


def test_api_stage_throttling_and_api_concurrency_come_from_parameters(template: Template):
    (method,) = template.api()["MethodSettings"]
    assert method["ThrottlingRateLimit"] == {"Ref": "ApiThrottlingRateLimit"}
    assert method["ThrottlingBurstLimit"] == {"Ref": "ApiThrottlingBurstLimit"}
    functions = template.of_type("AWS::Serverless::Function")
    for name in API_FUNCTIONS:
        assert functions[name]["ReservedConcurrentExecutions"] == {"Ref": "ApiReservedConcurrency"}, name


def test_every_function_has_a_concurrency_limit(template: Template):
    for name, properties in template.of_type("AWS::Serverless::Function").items():
        assert "ReservedConcurrentExecutions" in properties, name


def test_topics_use_a_key_that_ses_and_cloudwatch_may_use(template: Template):
    topics = template.of_type("AWS::SNS::Topic")
    for name, topic in topics.items():
        assert topic["KmsMasterKeyId"] == {"Ref": "TopicsKey"}, name
    (key,) = template.of_type("AWS::KMS::Key").values()
    grant = next(s for s in key["KeyPolicy"]["Statement"] if s["Sid"] == "ServicesPublishToTheTopics")
    assert {"ses.amazonaws.com", "cloudwatch.amazonaws.com"} <= set(grant["Principal"]["Service"])
    assert grant["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_sms_log_groups_are_created_by_one_stack_per_account(template: Template):
    # SNS dictates their names, so two stages in one account would collide on them
    groups = template.of_type("AWS::Logs::LogGroup")
    fixed = [name for name, group in groups.items() if "DirectPublishToPhoneNumber" in json.dumps(group)]
    assert fixed
    resources = template.resources
    assert all(resources[name]["Condition"] == "CreateSmsLogGroups" for name in fixed)


def test_every_scanner_skip_gives_its_reason(template: Template):
    skips = [
        (name, skip)
        for name, resource in template.resources.items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for name, skip in skips:
        assert skip["id"].startswith("CKV_"), name
        assert len(skip.get("comment", "").split()) >= 4, f"{name} skips {skip['id']} without a reason"

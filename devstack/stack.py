"""Starts and stops the whole local stack in one process."""

import json
import os
import threading
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer
from werkzeug.serving import BaseWSGIServer, make_server

from . import email_events, inbound, moto_fixes
from .environment import LOCAL_AWS_ENVIRONMENT
from .gateway import LocalApiGateway
from .lambdas import LocalLambdas
from .poller import QueuePoller, topic_poller
from .provision import Stack, provision
from .receipts import ReceiptOptions, ReceiptSimulator
from .schedules import ScheduleRunner, rate_seconds
from .seed import seed_demo
from .streams import StreamPoller, filter_patterns, streams_client
from .template import Template


@dataclass(frozen=True)
class StackInfo:
    api_url: str
    aws_endpoint: str
    api_key: str
    org_id: str
    delivery_queue_url: str
    dead_letter_queue_url: str
    messages_table: str
    accounts_table: str
    # What every function's environment resolves to here: `sam local --env-vars` takes it.
    function_environment: dict[str, str]
    # The docker network of the functions' containers under `--sam-local`; empty otherwise.
    docker_network: str = ""


class LocalStack:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        stack_name: str = "sendme-local",
        api_key: str | None = None,
        retry_after_seconds: int | None = 2,
        serve_api: bool = True,
        receipts: ReceiptOptions | None = None,
    ) -> None:
        self._host = host
        self._port = port
        self._stack_name = stack_name
        self._api_key = api_key
        self._retry_after = retry_after_seconds
        # Without the API front the stack is the backend of `sam local start-api` (devstack.sam_local).
        self._serve_api = serve_api
        self._moto = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
        self._pollers: list[QueuePoller | StreamPoller] = []
        self._schedules: list[ScheduleRunner] = []
        self._server: BaseWSGIServer | None = None
        self._server_thread: threading.Thread | None = None
        self._receipts = receipts or ReceiptOptions()
        self._simulator: ReceiptSimulator | None = None

    def start(self) -> StackInfo:
        # Bind the API port before anything else, so a busy port fails fast and clearly.
        template = Template.load()
        lambdas = LocalLambdas(template)
        gateway = LocalApiGateway(template, lambdas.invoke)
        if self._serve_api:
            self._server = make_server(self._host, self._port, gateway, threaded=True)
        moto_fixes.install()  # before moto serves its first call
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        endpoint = f"http://{moto_host}:{moto_port}"
        os.environ.update(LOCAL_AWS_ENVIRONMENT, AWS_ENDPOINT_URL=endpoint)
        stack = provision(template, self._stack_name, boto3.session.Session())
        sns = boto3.session.Session().client("sns")
        gateway.extra_routes[inbound.ROUTE] = inbound.InboundSmsRoute(sns, stack.ref(inbound.TOPIC))
        messages = boto3.session.Session().resource("dynamodb").Table(stack.ref("MessagesTable"))
        gateway.extra_routes[email_events.ROUTE] = email_events.EmailEventsRoute(
            sns, stack.ref(email_events.TOPIC), messages
        )
        os.environ.update(stack.shared_environment())
        from sendme import wiring  # imported late: it must see the environment set above

        wiring.reset()
        demo = seed_demo(self._api_key)
        self._start_pollers(template, stack, lambdas)
        self._start_schedules(template, lambdas)
        self._simulator = ReceiptSimulator(lambdas.invoke, self._receipts)
        self._simulator.start()
        if self._server:
            self._server_thread = threading.Thread(target=self._server.serve_forever, name="api", daemon=True)
            self._server_thread.start()
        return StackInfo(
            api_url=f"http://{self._host}:{self._server.server_port}" if self._server else "",
            aws_endpoint=endpoint,
            api_key=demo.api_key,
            org_id=demo.org_id,
            delivery_queue_url=stack.ref("DeliveryQueue"),
            dead_letter_queue_url=stack.ref("DeliveryDeadLetterQueue"),
            messages_table=stack.ref("MessagesTable"),
            accounts_table=stack.ref("AccountsTable"),
            function_environment=stack.shared_environment(),
        )

    def _start_pollers(self, template: Template, stack: Stack, lambdas: LocalLambdas) -> None:
        sqs = boto3.session.Session().client("sqs")
        for function, event in template.events("SQS"):
            queue_logical = event["Queue"]["Fn::GetAtt"][0]
            poller = QueuePoller(
                sqs,
                stack.ref(queue_logical),
                int(event.get("BatchSize", 10)),
                partial(lambdas.invoke, function),
                retry_after_seconds=self._retry_after,
            )
            poller.start()
            self._pollers.append(poller)
        session = boto3.session.Session()
        for function, event in template.events("DynamoDB"):
            table = session.client("dynamodb").describe_table(TableName=stack.ref(event["Stream"]["Fn::GetAtt"][0]))
            streams = StreamPoller(
                streams_client(session),
                table["Table"]["LatestStreamArn"],
                int(event.get("BatchSize", 100)),
                filter_patterns(event),
                partial(lambdas.invoke, function),
            )
            streams.start()
            self._pollers.append(streams)
        for function, queue_url in stack.topic_queues.items():
            poller = topic_poller(
                sqs, queue_url, partial(lambdas.invoke, function), retry_after_seconds=self._retry_after
            )
            poller.start()
            self._pollers.append(poller)

    def _start_schedules(self, template: Template, lambdas: LocalLambdas) -> None:
        region = boto3.session.Session().region_name or "us-east-1"
        for function, event in template.events("Schedule"):
            runner = ScheduleRunner(
                function, rate_seconds(event["Schedule"]), partial(lambdas.invoke, function), region=region
            )
            runner.start()
            self._schedules.append(runner)

    def stop(self) -> None:
        for poller in self._pollers:
            poller.stop()
        for runner in self._schedules:
            runner.stop()
        if self._simulator:
            self._simulator.stop()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        for poller in self._pollers:
            poller.join(timeout=5)
        self._moto.stop()


def write_state(path: Path, info: StackInfo) -> None:
    path.write_text(json.dumps(asdict(info), indent=2))

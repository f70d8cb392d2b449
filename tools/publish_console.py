"""Publish the console to a deployed stack: console/'s files into the stack's console bucket, a
config.json naming the stack's API, then a CloudFront invalidation so the new files show at once.

    python -m tools.publish_console --config-env prod     # after `sam deploy --config-env prod`

The stack name and region come from samconfig.toml's environment, the bucket, distribution and API
URL from the stack's outputs.
"""

import argparse
import json
import mimetypes
import time
import tomllib
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
# index.html and config.json name what the page loads: never cached, so a deploy shows at once.
UNCACHED = frozenset({"index.html", "config.json"})


def stack_of(config_env: str, samconfig: Path = ROOT / "samconfig.toml") -> tuple[str, str]:
    """The stack name and region that `sam deploy --config-env CONFIG_ENV` uses."""
    parameters = tomllib.loads(samconfig.read_text())[config_env]["global"]["parameters"]
    return parameters["stack_name"], parameters["region"]


def outputs_of(cloudformation: Any, stack_name: str) -> dict[str, str]:
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def publish(s3: Any, bucket: str, api_url: str, source: Path = CONSOLE) -> list[str]:
    """Upload the console and its config.json; returns the keys written."""
    files = {path.relative_to(source).as_posix(): path.read_bytes() for path in source.rglob("*") if path.is_file()}
    files["config.json"] = json.dumps({"apiBase": api_url.rstrip("/")}).encode()
    for key, body in files.items():
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        cache = "no-cache" if key in UNCACHED else "public, max-age=300"
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, CacheControl=cache)
    return list(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config-env", default="default", help="samconfig.toml environment (default: default)")
    arguments = parser.parse_args()
    stack_name, region = stack_of(arguments.config_env)
    outputs = outputs_of(boto3.client("cloudformation", region_name=region), stack_name)
    written = publish(boto3.client("s3", region_name=region), outputs["ConsoleBucketName"], outputs["ApiUrl"])
    boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["ConsoleDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time_ns())},
    )
    print(f"published {len(written)} files: {outputs['ConsoleUrl']}")


if __name__ == "__main__":
    main()

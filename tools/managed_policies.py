"""Regenerate src/rolecall/data/aws_managed_policies.json, the AWS managed policy catalog.

Source: the catalog that the `moto` package keeps (moto/iam/aws_managed_policies.py),
itself produced from IAM's ListPolicies/GetPolicyVersion for Scope=AWS; each entry has
the policy's path, default version id, dates and default-version document. Run with a
newer moto installed to refresh: python tools/managed_policies.py
"""

from __future__ import annotations

import importlib.metadata
import json
import pathlib

from moto.iam.aws_managed_policies import aws_managed_policies_data

OUT = pathlib.Path(__file__).parents[1] / "src/rolecall/data/aws_managed_policies.json"


def main() -> None:
    source = json.loads(aws_managed_policies_data)
    policies = {
        name: {
            "Path": entry["Path"],
            "DefaultVersionId": entry["DefaultVersionId"],
            "CreateDate": entry["CreateDate"],
            "UpdateDate": entry["UpdateDate"],
            "Document": entry["Document"],
        }
        for name, entry in sorted(source.items())
    }
    catalog = {
        "source": f"moto {importlib.metadata.version('moto')} moto/iam/aws_managed_policies.py",
        "policies": policies,
    }
    OUT.write_text(json.dumps(catalog, separators=(",", ":"), sort_keys=True))
    print(f"{len(policies)} policies written to {OUT}")


if __name__ == "__main__":
    main()

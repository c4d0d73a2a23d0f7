"""The AWS query protocol, driven by botocore's service models: parse, validate, serialize."""

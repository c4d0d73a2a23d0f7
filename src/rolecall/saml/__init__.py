"""SAML 2.0 as IAM speaks it: identity provider metadata and signed authentication
responses, parsed and verified without trusting anything the signature does not cover."""

"""Outbound web identity federation: rolecall as an OpenID Connect issuer whose JWTs
(sts:GetWebIdentityToken) external services verify against the keys it publishes."""

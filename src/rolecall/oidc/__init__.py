"""OpenID Connect for AssumeRoleWithWebIdentity: fetching an issuer's signing keys over
HTTPS (trusting a CA-verified certificate or one pinned by thumbprint) and verifying the
ID tokens they sign."""

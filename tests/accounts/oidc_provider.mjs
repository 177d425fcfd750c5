// A real OpenID Connect provider on 127.0.0.1 for the tests (oauth2-mock-server 7, which runs on
// the Node 18 of Debian 12 that CI installs as well as on Node 20):
// discovery, authorize, token and JWKS endpoints like Google's. The account that signs in
// is the authorization request's login_hint (Google takes the same parameter); its ID
// token carries email, email_verified and, like Google Workspace, hd (the address's domain,
// none for gmail.com). Prints the issuer URL on its first line, then serves until killed.
import { OAuth2Server } from "oauth2-mock-server";

const port = Number(process.argv[2] || 0);
const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
const identities = new Map(); // authorization code -> claims

function claimsFor(email) {
  const address = (email || "student@berkeley.edu").trim().toLowerCase();
  const [local, domain] = address.split("@");
  const claims = {
    sub: `oidc-${address}`,
    email: address,
    email_verified: !local.startsWith("unverified"),
    name: local,
    given_name: local,
    family_name: "Test",
  };
  if (domain && domain !== "gmail.com") claims.hd = domain;
  return claims;
}

server.service.on("beforeAuthorizeRedirect", (redirect, req) => {
  const code = redirect.url.searchParams.get("code");
  if (code) identities.set(code, claimsFor(req.query.login_hint));
});

server.service.on("beforeTokenSigning", (token, req) => {
  const claims = identities.get(req.body && req.body.code);
  if (claims) Object.assign(token.payload, claims);
});

await server.start(port, "127.0.0.1");
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(server.issuer.url);
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}

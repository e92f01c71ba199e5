// Key rotation with the real jwt plugin: web-jwks makes a new signing key every E2E_ROTATION_SECONDS.
import { expect, test } from "@playwright/test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

import { decode, pluginToken, signUp, stack, tasksOf } from "./stack";

test("a token signed by a new key is accepted after a JWKS refetch; a foreign key is 401 [FE-6]", async ({ request }) => {
  test.setTimeout(4 * stack.rotationSeconds * 1000 + 30_000);
  const user = await signUp(request, stack.webJwks, "rotation");
  const first = await pluginToken(request, stack.webJwks, user);
  const firstKid = decode(first).header.kid;
  expect((await tasksOf(request, stack.apiJwks, user.id, first).list()).status()).toBe(200);

  // Ask for tokens until one is signed by a key made after the API cached the key set.
  let second = first;
  const deadline = Date.now() + 3 * stack.rotationSeconds * 1000;
  while (decode(second).header.kid === firstKid && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    second = await pluginToken(request, stack.webJwks, user);
  }
  expect(decode(second).header.kid).not.toBe(firstKid);
  expect((await tasksOf(request, stack.apiJwks, user.id, second).list()).status()).toBe(200); // refetched on new kid
  expect((await tasksOf(request, stack.apiJwks, user.id, first).list()).status()).toBe(200); // old key: grace period

  // The same claims signed by a key the frontend never published: unknown kid, or a published kid.
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  expect((await exportJWK(publicKey)).crv).toBe("Ed25519");
  for (const kid of ["foreign-key", String(decode(second).header.kid)]) {
    const forged = await new SignJWT(decode(second).claims)
      .setProtectedHeader({ alg: "EdDSA", kid })
      .sign(privateKey);
    expect((await tasksOf(request, stack.apiJwks, user.id, forged).list()).status()).toBe(401);
  }
});

// One Idempotency-Key per task the person means to add. crypto.randomUUID exists only in secure contexts (https,
// localhost); getRandomValues everywhere, so a page opened over plain http on a home network still gets good keys.
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

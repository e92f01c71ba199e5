// A password policy Better Auth applies wherever a password is set (sign-up, change, reset): zxcvbn's estimate
// (the maintained TypeScript port, offline: its dictionaries of common and leaked passwords, English words and
// names ship in the package) must reach MIN_SCORE, and the user is told why when it does not. A length rule alone
// lets "password" and "12345678" through; a hand-written list of bad passwords is always too short.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";

/** zxcvbn's scale: 0 too guessable ... 4 very unguessable; 3 = "safely unguessable" (~10^8 guesses and more). */
export const MIN_SCORE = 3;

// The body field that carries the new password, per Better Auth endpoint.
const PASSWORD_FIELDS: Record<string, string> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
};

let checker: ZxcvbnFactory | undefined;

/** Built on first use: its dictionaries take ~50 MB and 0.1 s to load, paid only once a password is set. */
function zxcvbn(): ZxcvbnFactory {
  checker ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return checker;
}

/** Why `password` is refused, or undefined when it is good enough. `context` (email, name) counts as guessable. */
export function weakness(password: string, context: string[] = []): string | undefined {
  const { score, feedback } = zxcvbn().check(password, context);
  if (score >= MIN_SCORE) return undefined;
  const reasons = [feedback.warning, ...feedback.suggestions].filter(Boolean);
  return `This password is too easy to guess. ${reasons.join(" ") || "Use a longer phrase of uncommon words."}`;
}

const MAX_PASSWORD_LENGTH = 128; // Better Auth's default maxPasswordLength

export function passwordPolicy(): BetterAuthPlugin {
  return {
    id: "password-policy",
    hooks: {
      before: [
        {
          matcher: (context) => Boolean(context.path && context.path in PASSWORD_FIELDS),
          handler: createAuthMiddleware(async (ctx) => {
            const body = (ctx.body ?? {}) as Record<string, unknown>;
            const password = body[PASSWORD_FIELDS[ctx.path ?? ""]];
            if (typeof password !== "string") return; // Better Auth's own validation answers that
            // Too long for Better Auth anyway (its 128): it says so itself, without zxcvbn's seconds on a long string.
            if (password.length > MAX_PASSWORD_LENGTH) return;
            const context = [body.email, body.name, ctx.context.session?.user.email].filter(
              (value): value is string => typeof value === "string" && value.length > 0,
            );
            const reason = weakness(password, context);
            if (reason) throw new APIError("BAD_REQUEST", { code: "PASSWORD_TOO_WEAK", message: reason });
          }),
        },
      ],
    },
  };
}

// Errors in words for people: what happened and what to do, never a status code, a field path or a stack trace.
// The API names each problem with a stable `code` (and each invalid field with one): the words are ours.
import { ApiError } from "./api-client";
import { DESCRIPTION_MAX, TITLE_MAX } from "./limits";

export const UNREACHABLE = "Can't reach the server.";
export const UNAVAILABLE = "The server is having trouble right now.";
const AGAIN = "Something went wrong on the server. Try again; if it keeps happening, reload the page.";

const BY_CODE: Record<string, string | ((error: ApiError) => string)> = {
  invalid_input: (error) => fieldMessage(error) ?? "The server could not accept this. Check the title and description.",
  invalid_header: "This page sent something the server does not accept. Reload the page and try again.",
  token_missing: "Your session has ended: sign in again.",
  token_invalid: "Your session has ended: sign in again.",
  token_expired: "Your session has ended: sign in again.",
  wrong_user: "This belongs to another account. Reload the page to see your own tasks.",
  task_not_found: "This task no longer exists: it was deleted, perhaps in another tab or on another device.",
  not_found: "This task no longer exists: it was deleted, perhaps in another tab or on another device.",
  body_timeout: `${UNREACHABLE} Check your connection and try again.`,
  request_in_progress: "The server is still finishing your previous attempt. Try again in a moment.",
  stale_version: "This task was changed somewhere else in the meantime.",
  body_too_large: "That is too long to save.",
  idempotency_key_reused: "The server mixed this up with an earlier change. Try again.",
  rate_limited: (error) => `Too many changes in a short time. Wait ${error.retryAfterSeconds ?? "a few"} seconds and try again.`,
  database_unavailable: `${UNAVAILABLE} Your tasks are safe; try again in a moment.`,
  keys_unavailable: `${UNAVAILABLE} Your tasks are safe; try again in a moment.`,
  shutting_down: `${UNAVAILABLE} Your tasks are safe; try again in a moment.`,
};

/** When the code is unknown (or the answer came from no API at all): a sentence for the status. */
function byStatus(error: ApiError): string {
  if (error.status === 0 || error.status === 502 || error.status === 504) return `${UNREACHABLE} Check your connection and try again.`;
  if (error.status === 503) return `${UNAVAILABLE} Your tasks are safe; try again in a moment.`;
  if (error.status === 429) return (BY_CODE.rate_limited as (error: ApiError) => string)(error);
  if (error.status === 404) return BY_CODE.task_not_found as string;
  if (error.status === 409) return BY_CODE.request_in_progress as string;
  if (error.status === 412) return BY_CODE.stale_version as string;
  if (error.status === 413) return BY_CODE.body_too_large as string;
  if (error.status === 400) return "The server could not accept this. Check the title and description.";
  return AGAIN;
}

/** What a failed request means for the person, e.g. after "Couldn't save your changes:". */
export function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong in this page. Reload it and try again.";
  const words = BY_CODE[error.problem?.code ?? ""];
  if (words !== undefined) return typeof words === "string" ? words : words(error);
  // Invalid input is coded `<field>_<reason>` (e.g. title_too_long); its `errors` name each field's reason.
  return (error.problem?.errors?.length && fieldMessage(error)) || byStatus(error);
}

const FIELD_NAMES: Record<string, string> = { title: "title", description: "description" };

/** The API's first invalid field (`{"field": "title", "code": "too_long", ...}`) as a sentence. */
function fieldMessage(error: ApiError): string | undefined {
  const first = error.problem?.errors?.[0];
  const name = first && FIELD_NAMES[first.field];
  if (!first || !name) return undefined;
  switch (first.code) {
    case "required":
    case "empty":
    case "not_null":
      return `The ${name} can't be empty.`;
    case "too_long":
      return `The ${name} is too long: ${name === "title" ? TITLE_MAX : DESCRIPTION_MAX} characters at most.`;
    case "wrong_type":
      return `The ${name} must be text.`;
    default: // invalid_characters and anything newer
      return `The ${name} contains something the server does not accept (for example an invisible control character).`;
  }
}

/** Better Auth's error (code, HTTP status) for a sign-in or sign-up, in plain words. */
export function explainAuth(error: { code?: string; status?: number; message?: string }, mode: "sign-in" | "sign-up"): string {
  switch (error.code) {
    case "INVALID_EMAIL_OR_PASSWORD":
    case "INVALID_PASSWORD":
    case "USER_NOT_FOUND":
    case "CREDENTIAL_ACCOUNT_NOT_FOUND":
      return "That email and password don't match an account. Check them, or sign up if you're new.";
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return "There is already an account with this email. Sign in instead, or use another email.";
    case "PASSWORD_TOO_WEAK": // our password policy: its message already says why, for people
      return error.message ?? "This password is too easy to guess. Use a longer phrase of uncommon words.";
    case "PASSWORD_TOO_SHORT":
      return "That password is too short: choose a longer one (a few words make a good password).";
    case "PASSWORD_TOO_LONG":
      return "That password is too long: use at most 128 characters.";
    case "INVALID_EMAIL":
      return "That doesn't look like an email address. Check it and try again.";
    case "EMAIL_NOT_VERIFIED":
      return "This email address hasn't been confirmed yet.";
  }
  if (error.status === 429) return "Too many attempts. Wait a minute, then try again.";
  if (error.status === 400 && /email/i.test(error.message ?? "")) {
    return "That doesn't look like an email address. Check it and try again."; // e.g. "[body.email] Invalid email address"
  }
  if (error.status === 400 && /password/i.test(error.message ?? "")) {
    return mode === "sign-up"
      ? "That password can't be used. Choose a longer one (at least 8 characters)."
      : "That email and password don't match an account. Check them, or sign up if you're new.";
  }
  if (error.status === 400 || error.status === 422) return "Some of the details aren't valid. Check them and try again.";
  if (!error.status || error.status === 502 || error.status === 504) return `${UNREACHABLE} Check your connection and try again.`;
  if (error.status >= 500) return `${UNAVAILABLE} Try again in a moment.`;
  return mode === "sign-up" ? "We couldn't create your account. Try again." : "We couldn't sign you in. Try again.";
}

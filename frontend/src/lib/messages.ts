// Errors in words for people: what happened and what to do, never a status code, a field path or a stack trace.
import { ApiError } from "./tasks-api";

export const UNREACHABLE = "Can't reach the server.";
export const UNAVAILABLE = "The server is having trouble right now.";

/** What a failed request means for the person, e.g. after "Couldn't save your changes:". */
export function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong in this page. Reload it and try again.";
  switch (error.status) {
    case 0:
    case 502:
    case 504:
      return `${UNREACHABLE} Check your connection and try again.`;
    case 503:
      return `${UNAVAILABLE} Your tasks are safe; try again in a moment.`;
    case 429:
      return `Too many changes in a short time. Wait ${error.retryAfterSeconds ?? "a few"} seconds and try again.`;
    case 400:
      return fieldMessage(error) ?? "The server could not accept this. Check the title and description.";
    case 404:
      return "This task no longer exists: it was deleted, perhaps in another tab or on another device.";
    case 409:
      return "The server is still finishing your previous attempt. Try again in a moment.";
    case 412:
      return "This task was changed somewhere else in the meantime.";
    case 413:
      return "That is too long to save.";
    default:
      return "Something went wrong on the server. Try again; if it keeps happening, reload the page.";
  }
}

/** The API's per-field errors (`{"field": "title", "message": "must not be empty"}`) as a sentence. */
function fieldMessage(error: ApiError): string | undefined {
  const first = error.problem?.errors?.[0];
  if (!first) return undefined;
  const name = first.field === "title" ? "title" : first.field === "description" ? "description" : undefined;
  if (!name) return undefined;
  if (/empty/.test(first.message)) return `The ${name} can't be empty.`;
  const most = /at most (\d+)/.exec(first.message);
  if (most) return `The ${name} is too long: ${most[1]} characters at most.`;
  return `The ${name} contains something the server does not accept (for example an invisible control character).`;
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

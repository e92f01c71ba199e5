// Better Auth's browser client (same origin: the Next.js server serves /api/auth).
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient();

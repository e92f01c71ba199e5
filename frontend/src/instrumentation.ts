// Runs once when the Next.js server starts: Better Auth's tables are created or updated before the first request,
// as the API applies its own migrations when it starts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { migrateAuthTables } = await import("./lib/auth");
    await migrateAuthTables();
  }
}

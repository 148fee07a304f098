import type { DriverAdapterError } from "@prisma/driver-adapter-utils";

/** A driver adapter's error in the words Prisma uses for it ("Can't reach database server at ..."). */
export function driverAdapterErrorMessage(cause: DriverAdapterError["cause"]): string {
  const details = cause as Record<string, unknown>;
  switch (cause.kind) {
    case "DatabaseNotReachable":
      return `Can't reach database server at ${[details.host, details.port].filter(Boolean).join(":")}`;
    case "DatabaseDoesNotExist":
      return `database "${String(details.db)}" does not exist`;
    default:
      for (const key of ["originalMessage", "message", "cause"]) {
        if (typeof details[key] === "string" && details[key]) return details[key];
      }
      return cause.kind;
  }
}

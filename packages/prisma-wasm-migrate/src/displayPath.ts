import { relative } from "node:path";

/** A path as the person at the terminal would type it from the current directory. */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith("..") ? fromHere : path;
}

/**
 * The app's OpenTelemetry setup (src/observability) with an in-memory exporter, for tests
 * that look at the spans a request or a run made.
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { forTests } from "./forTests.js";
import { startTracing, type Tracing } from "../../src/observability/index.js";

export interface TestTracing extends Tracing {
  /** Every span that has ended since the last reset, in the order they ended. */
  spans(): ReadableSpan[];
  reset(): void;
}

export async function startTestTracing(): Promise<TestTracing> {
  const exporter = new InMemorySpanExporter();
  const tracing = await startTracing(
    { exporter: "none" },
    { spanExporter: exporter, exportEachSpan: true },
  );
  return {
    ...tracing,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
  };
}

/**
 * Tracing for the tests of the enclosing describe: started before them, shut down (its
 * globals unregistered) after them.
 */
export function useTestTracing(): TestTracing {
  return forTests("useTestTracing: tracing", startTestTracing, (tracing) => tracing.shutdown());
}

/** A span and the spans under it. */
export interface SpanNode {
  span: ReadableSpan;
  name: string;
  children: SpanNode[];
}

function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The tree of spans under `root` (found among `spans`), children in start order. */
export function spanTree(spans: readonly ReadableSpan[], root: ReadableSpan): SpanNode {
  const children = spans
    .filter((span) => parentIdOf(span) === root.spanContext().spanId)
    .sort((a, b) => hrTimeMs(a.startTime) - hrTimeMs(b.startTime));
  return { span: root, name: root.name, children: children.map((c) => spanTree(spans, c)) };
}

/**
 * The tree as nested names, keeping only spans whose name `keep` accepts (the others'
 * children move up): e.g. `["workflow x", [["workflow x attempt", [...]]]]`.
 */
export type NameTree = [string, NameTree[]];
export function nameTree(node: SpanNode, keep: (name: string) => boolean = () => true): NameTree {
  const kept = (n: SpanNode): NameTree[] =>
    n.children.flatMap((child) =>
      keep(child.name) ? [[child.name, kept(child)] as NameTree] : kept(child),
    );
  return [node.name, kept(node)];
}

/** Every span under `node`, at any depth. */
export function descendants(node: SpanNode): SpanNode[] {
  return node.children.flatMap((child) => [child, ...descendants(child)]);
}

/** The one span named `name`; throws when there is none or several. */
export function onlySpan(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one span named "${name}", found ${found.length} among: ${spans.map((s) => s.name).join(", ")}`,
    );
  }
  return found[0]!;
}

function hrTimeMs([seconds, nanos]: [number, number]): number {
  return seconds * 1_000 + nanos / 1e6;
}

/**
 * Limits on the cost of a GraphQL document, checked before Apollo validates or executes
 * it, so that one anonymous client cannot stall the server with a big query.
 *
 * Why before: graphql-js's validation compares every pair of same-named fields
 * (OverlappingFieldsCanBeMerged), so 12,000 repetitions of `me { id }` (84 kB) held the
 * event loop about 0.5 s, and 20 such requests froze /healthz for 7-38 s. Apollo's own
 * `validationRules` run in the same pass as that rule, too late. So the document is
 * parsed here with graphql-js's `maxTokens` (parsing stops at the limit), and then checked
 * by rules that are linear in its size: graphql-armor's depth, alias and directive
 * rules (the established library for these), and two of ours, fields and mutation fields
 * (graphql-armor has no plain field count; its cost rule weighs structure, not repetition).
 * A document that passes is remembered, so a client's usual queries are checked once.
 */
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

export interface QueryLimits {
  /** Lexical tokens in the document (graphql-js stops parsing there). */
  maxTokens: number;
  /** Nesting of selections, fragments included (introspection's `__schema` excepted). */
  maxDepth: number;
  /** Aliased fields. */
  maxAliases: number;
  /** Directives. */
  maxDirectives: number;
  /** Field selections in the document. */
  maxFields: number;
  /** Root fields of a mutation, i.e. workflows one request may run. */
  maxMutationFields: number;
}

/** What a document broke: the limit's name, and a sentence for the client. */
export interface LimitViolation {
  limit: keyof QueryLimits;
  max: number;
  message: string;
}

/** Checks a query text; undefined when it is within every limit (or is not valid GraphQL, which Apollo reports). */
export type QueryLimiter = (query: string) => LimitViolation | undefined;

const REMEMBERED_QUERIES = 500;

class Violation extends GraphQLError {
  constructor(readonly violation: LimitViolation) {
    super(violation.message);
  }
}

function countFields(document: DocumentNode): number {
  let fields = 0;
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields += 1;
      if (selection.kind !== Kind.FRAGMENT_SPREAD) walk(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if ("selectionSet" in definition) walk(definition.selectionSet);
  }
  return fields;
}

/** Root fields of each mutation, through fragments at the root; rejects past `max`. */
function maxMutationFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      if (operation.operation !== "mutation") return;
      let count = 0;
      const seen = new Set<string>();
      const walk = (selectionSet: SelectionSetNode) => {
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.FIELD) count += 1;
          else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
          else if (!seen.has(selection.name.value)) {
            seen.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) walk(fragment.selectionSet);
          }
        }
      };
      walk(operation.selectionSet);
      if (count > max) {
        context.reportError(
          new Violation({
            limit: "maxMutationFields",
            max,
            message: `A request may run at most ${max} mutation fields; this one has ${count}. Send them in separate requests.`,
          }),
        );
      }
    },
  });
}

/** graphql-armor's options for reporting through the validation context instead of throwing. */
function reportAs(limit: keyof QueryLimits, max: number, describe: (found: string) => string) {
  return {
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = /found (\d+)/.exec(error.message)?.[1] ?? "more";
        context?.reportError(new Violation({ limit, max, message: describe(found) }));
      },
    ],
  };
}

export function createQueryLimiter(schema: GraphQLSchema, limits: QueryLimits): QueryLimiter {
  const rules: ValidationRule[] = [
    maxDepthRule(
      reportAs(
        "maxDepth",
        limits.maxDepth,
        (found) =>
          `The query nests selections ${found} levels deep; the limit is ${limits.maxDepth}.`,
      ),
    ) as ValidationRule,
    maxAliasesRule(
      reportAs(
        "maxAliases",
        limits.maxAliases,
        (found) => `The query has ${found} aliases; the limit is ${limits.maxAliases}.`,
      ),
    ) as ValidationRule,
    maxDirectivesRule(
      reportAs(
        "maxDirectives",
        limits.maxDirectives,
        (found) => `The query has ${found} directives; the limit is ${limits.maxDirectives}.`,
      ),
    ) as ValidationRule,
    maxMutationFieldsRule(limits.maxMutationFields),
  ];
  const passed = new Set<string>();

  return (query) => {
    if (passed.has(query)) return undefined;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch (error) {
      if (error instanceof GraphQLError && /more tha[nt] \d+ tokens/.test(error.message)) {
        return {
          limit: "maxTokens",
          max: limits.maxTokens,
          message: `The query has more than ${limits.maxTokens} tokens, the limit.`,
        };
      }
      return undefined; // a syntax error: Apollo reports it as usual
    }
    const fields = countFields(document);
    if (fields > limits.maxFields) {
      return {
        limit: "maxFields",
        max: limits.maxFields,
        message: `The query selects ${fields} fields; the limit is ${limits.maxFields}.`,
      };
    }
    const violation = validate(schema, document, rules).find(
      (error): error is Violation => error instanceof Violation,
    )?.violation;
    if (violation) return violation;
    passed.add(query);
    if (passed.size > REMEMBERED_QUERIES) passed.delete(passed.values().next().value as string);
    return undefined;
  };
}

/**
 * Spans of the HTTP edge, made only when tracing is on: a server span per request (an
 * incoming W3C `traceparent` continued), and under it a span per GraphQL operation, named
 * once Apollo has parsed it. Each runs the rest of the request with its span active, so
 * the workflows' spans nest under the operation that ran them.
 */
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Request, RequestHandler, Response } from "express";

/**
 * Each request's context, with its server span. Kept beside the request rather than only
 * in the active context: reading the body (express.json) runs the next handler from the
 * socket's events, where the request's active context is lost.
 */
const requestContexts = new WeakMap<Request, Context>();

/** Ends `span` once the response has been sent or the connection closed, whichever is first. */
function endWithResponse(res: Response, span: Span, onEnd: () => void = () => {}): void {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
    span.end();
  };
  res.once("finish", end);
  res.once("close", end);
}

/**
 * A SERVER span per request, a child of the caller's span when the request carries a
 * `traceparent` header. `route` names a path with few distinct values (the span's name).
 */
export function traceRequests(
  tracer: Tracer,
  propagator: TextMapPropagator,
  route: (path: string) => string,
): RequestHandler {
  return (req, res, next) => {
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const name = `${req.method} ${route(req.path)}`;
    const span = tracer.startSpan(
      name,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": req.method,
          "http.route": route(req.path),
          "url.path": req.path,
          "url.scheme": req.protocol,
          ...(req.headers["user-agent"] && { "user_agent.original": req.headers["user-agent"] }),
        },
      },
      parent,
    );
    endWithResponse(res, span, () => {
      span.setAttribute("http.response.status_code", res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.addEvent("connection closed before the response was sent");
    });
    const requestContext = trace.setSpan(parent, span);
    requestContexts.set(req, requestContext);
    context.with(requestContext, next);
  };
}

/**
 * A span for the GraphQL request, under the request's span; the plugin names it. Mount it
 * after the body is read: the rest of the request then runs in its context again.
 */
export function traceGraphQL(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const parent = requestContexts.get(req) ?? context.active();
    const span = tracer.startSpan("graphql", { kind: SpanKind.INTERNAL }, parent);
    endWithResponse(res, span);
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * Names the GraphQL span after the operation (`mutation CreateActivity`) and marks it
 * failed when the response carries errors, with their codes.
 */
export function graphQLSpanNames(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (span === undefined) return;
      return {
        async didResolveOperation({ operation, operationName }) {
          if (operation === undefined) return;
          const name = operationName ?? "anonymous";
          span.updateName(`${operation.operation} ${name}`);
          span.setAttributes({
            "graphql.operation.type": operation.operation,
            "graphql.operation.name": name,
          });
        },
        async didEncounterErrors({ errors }) {
          const codes = errors.map((error) => String(error.extensions?.code ?? "UNKNOWN"));
          span.setAttribute("graphql.error.codes", codes);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message });
        },
      };
    },
  };
}

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { ErrorLink } from "@apollo/client/link/error";
import { relayStylePagination } from "@apollo/client/utilities";
import { readApiErrors } from "./errors";
import { getSessionToken } from "./session";

export interface ApolloClientOptions {
  /** Called when the server rejects the session token (UNAUTHENTICATED). */
  onUnauthenticated: () => void;
}

export function createApolloClient({ onUnauthenticated }: ApolloClientOptions): ApolloClient {
  const authLink = new ApolloLink((operation, forward) => {
    const token = getSessionToken();
    if (token) {
      operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, authorization: `Bearer ${token}` },
      }));
    }
    return forward(operation);
  });

  const sessionEndedLink = new ErrorLink(({ error }) => {
    if (readApiErrors(error).some((apiError) => apiError.code === "UNAUTHENTICATED")) {
      onUnauthenticated();
    }
  });

  return new ApolloClient({
    link: ApolloLink.from([sessionEndedLink, authLink, new HttpLink({ uri: "/graphql" })]),
    cache: new InMemoryCache({
      typePolicies: {
        // "Load more" fetches the page after `endCursor`; the cache appends it.
        Query: { fields: { activities: relayStylePagination() } },
        WorkflowRun: { keyFields: ["runId"] },
      },
    }),
  });
}

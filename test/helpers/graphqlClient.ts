/** A minimal GraphQL-over-HTTP client for tests: real fetch, real status codes. */
import { request, type ClientRequest } from "node:http";
export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: TData | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: {
      code?: string;
      field?: string;
      workflow?: string;
      step?: string;
      stacktrace?: unknown;
      [key: string]: unknown;
    };
  }[];
}

export async function graphql<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, "status" | "headers">;
  return { status: response.status, headers: response.headers, ...body };
}

/** The first error's code, or undefined when the request succeeded. */
export function errorCode(response: GraphQLResponse<unknown>): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

export const REGISTER_USER = /* GraphQL */ `
  mutation RegisterUser($input: RegisterUserInput!) {
    registerUser(input: $input) {
      userId
      email
      welcomeEmailQueued
      sessionToken
    }
  }
`;

export const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      userId
      sessionToken
    }
  }
`;

export const LOGOUT = /* GraphQL */ `
  mutation Logout {
    logout {
      sessionRevoked
    }
  }
`;

export const CREATE_ACTIVITY = /* GraphQL */ `
  mutation CreateActivity($input: CreateActivityInput!) {
    createActivity(input: $input) {
      activityId
      title
      notificationId
      notificationSent
      statsUpdated
      activity {
        id
        type
        title
        description
        durationMinutes
        distanceKm
        activityDate
        createdAt
      }
    }
  }
`;

export const UPDATE_SETTINGS = /* GraphQL */ `
  mutation UpdateSettings($input: UpdateSettingsInput!) {
    updateSettings(input: $input) {
      settings {
        activityNotifications
      }
    }
  }
`;

export const ME = /* GraphQL */ `
  query Me {
    me {
      id
      email
      createdAt
      settings {
        activityNotifications
      }
      stats {
        totalActivities
        updatedAt
      }
      notifications {
        id
        message
        createdAt
        readAt
      }
    }
  }
`;

export const ACTIVITIES = /* GraphQL */ `
  query Activities($first: Int, $after: String) {
    activities(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          title
          activityDate
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface RegisteredUser {
  userId: string;
  email: string;
  welcomeEmailQueued: boolean;
  sessionToken: string;
  password: string;
}

let counter = 0;

/** Registers a fresh user over HTTP and returns its id, e-mail, token and password. */
export async function registerUser(
  graphqlUrl: string,
  email?: string,
  options: { sendWelcomeEmail?: boolean } = {},
): Promise<RegisteredUser> {
  const password = "correct horse battery staple";
  const address = email ?? `runner-${process.pid}-${Date.now()}-${counter++}@example.com`;
  const response = await graphql<{ registerUser: Omit<RegisteredUser, "password"> }>(
    graphqlUrl,
    REGISTER_USER,
    {
      input: { email: address, password, ...options },
    },
  );
  if (!response.data?.registerUser) {
    throw new Error(`registerUser failed: ${JSON.stringify(response.errors)}`);
  }
  return { ...response.data.registerUser, password };
}

/**
 * A POST to `graphqlUrl` with `token`, not yet sent (`.end(body)` sends it): for tests that
 * cut the connection themselves, which fetch cannot do at a chosen moment.
 */
export function openGraphQLRequest(
  graphqlUrl: string,
  token: string,
  headers: Record<string, string> = {},
): ClientRequest {
  const url = new URL(graphqlUrl);
  return request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
  });
}

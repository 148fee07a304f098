import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApolloClient } from "./apollo";
import { App } from "./App";
import { endSession } from "./session";
import "./styles.css";

const client = createApolloClient({
  // Back to the login screen; the next session clears the cache (AuthScreen).
  onUnauthenticated: () => endSession("expired"),
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <App />
    </ApolloProvider>
  </StrictMode>,
);

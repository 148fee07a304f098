import { useApolloClient, useMutation } from "@apollo/client/react";
import { AuthScreen } from "./components/AuthScreen";
import { Dashboard } from "./components/Dashboard";
import { LogoutDocument } from "./generated/graphql";
import { endSession, useSession } from "./session";

export function App() {
  const client = useApolloClient();
  const session = useSession();
  const [logout] = useMutation(LogoutDocument);

  if (session.token === null) return <AuthScreen sessionExpired={session.expired} />;
  return (
    <Dashboard
      onLogout={async () => {
        // Revoke the token on the server first (it is still attached to this request);
        // if that fails, the session is forgotten here all the same.
        await logout().catch(() => undefined);
        endSession("logout");
        await client.clearStore();
      }}
    />
  );
}

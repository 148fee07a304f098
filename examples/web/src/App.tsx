import { useApolloClient } from "@apollo/client/react";
import { AuthScreen } from "./components/AuthScreen";
import { Dashboard } from "./components/Dashboard";
import { endSession, useSession } from "./session";

export function App() {
  const client = useApolloClient();
  const session = useSession();

  if (session.token === null) return <AuthScreen sessionExpired={session.expired} />;
  return (
    <Dashboard
      onLogout={() => {
        endSession("logout");
        void client.clearStore();
      }}
    />
  );
}

import { useQuery } from "@apollo/client/react";
import { useEffect } from "react";
import { ViewerDocument } from "../generated/graphql";
import { endSession } from "../session";
import { ActivityForm } from "./ActivityForm";
import { ActivityList } from "./ActivityList";
import { Notifications } from "./Notifications";
import { RunTimeline } from "./RunTimeline";

export function Dashboard({ onLogout }: { onLogout: () => Promise<void> }) {
  const { data } = useQuery(ViewerDocument);
  const viewer = data?.me;

  useEffect(() => {
    // `me: null` means the server no longer knows this session.
    if (data && data.me === null) endSession("expired");
  }, [data]);

  return (
    <main>
      <header className="header">
        <h1>Activelog</h1>
        {viewer && <span>{viewer.email}</span>}
        <button type="button" onClick={() => void onLogout()}>
          Log out
        </button>
      </header>
      <p className="stats" role="status">
        Total activities: <strong>{viewer ? (viewer.stats?.totalActivities ?? 0) : "…"}</strong>
      </p>
      <ActivityForm />
      <Notifications viewer={viewer ?? undefined} />
      <ActivityList />
      <RunTimeline />
    </main>
  );
}

import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { describeQueryError } from "../errors";
import { MyActivitiesDocument, type ActivityFieldsFragment } from "../generated/graphql";
import { FormError } from "./FormError";

const PAGE_SIZE = 10;

function ActivityItem({ activity }: { activity: ActivityFieldsFragment }) {
  const details = [
    activity.type,
    new Date(activity.activityDate).toLocaleDateString(),
    activity.durationMinutes !== null ? `${activity.durationMinutes} min` : null,
    activity.distanceKm !== null ? `${activity.distanceKm} km` : null,
  ].filter((detail) => detail !== null);
  return (
    <li>
      <strong>{activity.title}</strong>
      <span className="details">{details.join(" · ")}</span>
      {activity.description && <p>{activity.description}</p>}
    </li>
  );
}

/** The viewer's activities, newest first, one page at a time. */
export function ActivityList() {
  const { data, error, loading, fetchMore } = useQuery(MyActivitiesDocument, {
    variables: { first: PAGE_SIZE },
  });
  const [loadingMore, setLoadingMore] = useState(false);

  if (error) return <FormError message={describeQueryError(error)} />;
  if (!data) return <p aria-busy="true">Loading activities…</p>;

  const { edges, pageInfo } = data.activities;

  async function loadMore() {
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { after: pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section aria-labelledby="activities-heading">
      <h2 id="activities-heading">Your activities</h2>
      {edges.length === 0 ? (
        <p>No activities yet.</p>
      ) : (
        <ol className="activities" aria-label="Activities" aria-busy={loading}>
          {edges.map(({ node }) => (
            <ActivityItem key={node.id} activity={node} />
          ))}
        </ol>
      )}
      {pageInfo.hasNextPage && (
        <button type="button" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}

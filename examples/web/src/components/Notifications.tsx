import { useMutation } from "@apollo/client/react";
import { useState } from "react";
import { describeApiError, readApiErrors } from "../errors";
import { UpdateSettingsDocument, ViewerDocument, type ViewerQuery } from "../generated/graphql";
import { FormError } from "./FormError";

type Viewer = NonNullable<ViewerQuery["me"]>;

/** The viewer's latest notifications, and the setting that says whether logging an activity leaves one. */
export function Notifications({ viewer }: { viewer: Viewer | undefined }) {
  const [error, setError] = useState<string>();
  // What the box was set to while the server stores it; then the stored value shows again.
  const [pending, setPending] = useState<boolean>();
  const [updateSettings, { loading }] = useMutation(UpdateSettingsDocument, {
    // The answer is the settings as stored: the checkbox shows them without another query.
    update(cache, { data }) {
      const settings = data?.updateSettings.settings;
      if (!settings) return;
      cache.updateQuery({ query: ViewerDocument }, (current) =>
        current?.me ? { me: { ...current.me, settings } } : current,
      );
    },
  });

  async function setActivityNotifications(activityNotifications: boolean) {
    setError(undefined);
    setPending(activityNotifications);
    try {
      await updateSettings({ variables: { input: { activityNotifications } } });
    } catch (caught) {
      const [first] = readApiErrors(caught);
      setError(first ? describeApiError(first) : "The setting could not be saved.");
    } finally {
      setPending(undefined);
    }
  }

  return (
    <section aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={pending ?? viewer?.settings.activityNotifications ?? false}
          disabled={!viewer || loading}
          onChange={(event) => void setActivityNotifications(event.target.checked)}
        />
        Notify me when I log an activity
      </label>
      <FormError message={error} />
      {viewer &&
        (viewer.notifications.length === 0 ? (
          <p>No notifications yet.</p>
        ) : (
          <ul className="notifications" aria-label="Latest notifications">
            {viewer.notifications.map((notification) => (
              <li key={notification.id}>{notification.message}</li>
            ))}
          </ul>
        ))}
    </section>
  );
}

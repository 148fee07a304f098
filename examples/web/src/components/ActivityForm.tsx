import { useMutation } from "@apollo/client/react";
import { useRef, useState, type FormEvent } from "react";
import { toFormErrors, type FormErrors } from "../errors";
import {
  CreateActivityDocument,
  MyActivitiesDocument,
  ViewerDocument,
  WorkflowRunsDocument,
} from "../generated/graphql";
import {
  ACTIVITY_FIELDS,
  TEXT_MAX_LENGTH,
  toCreateActivityInput,
  validateActivity,
  type ActivityField,
  type ActivityFormValues,
} from "../validation";
import { FormError } from "./FormError";
import { TextField } from "./TextField";

const EMPTY_FORM: ActivityFormValues = {
  type: "",
  title: "",
  description: "",
  durationMinutes: "",
  distanceKm: "",
  activityDate: "",
};

export function ActivityForm() {
  const [values, setValues] = useState(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors<ActivityField>>({ fields: {} });
  // One Idempotency-Key per activity: kept until it is saved, so a double submit or a retry
  // after a lost answer logs it once; a new one as soon as the form changes.
  const idempotencyKey = useRef<string | undefined>(undefined);
  const [createActivity, { loading }] = useMutation(CreateActivityDocument, {
    // The list restarts at its first page (newest first), the stats count the new one, and
    // the timeline shows its run.
    refetchQueries: [MyActivitiesDocument, ViewerDocument, WorkflowRunsDocument],
    awaitRefetchQueries: true,
  });

  function bind(field: ActivityField) {
    return {
      id: `activity-${field}`,
      value: values[field],
      error: errors.fields[field],
      onChange: (event: { target: { value: string } }) => {
        idempotencyKey.current = undefined;
        setValues((current) => ({ ...current, [field]: event.target.value }));
      },
    };
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors = validateActivity(values);
    if (Object.keys(fieldErrors).length > 0) {
      setErrors({ fields: fieldErrors });
      return;
    }
    setErrors({ fields: {} });
    try {
      idempotencyKey.current ??= crypto.randomUUID();
      await createActivity({
        variables: { input: toCreateActivityInput(values) },
        context: { headers: { "Idempotency-Key": idempotencyKey.current } },
      });
      idempotencyKey.current = undefined;
      setValues(EMPTY_FORM);
    } catch (error) {
      setErrors(toFormErrors(error, ACTIVITY_FIELDS));
    }
  }

  return (
    <section aria-labelledby="log-activity-heading">
      <h2 id="log-activity-heading">Log an activity</h2>
      <form onSubmit={handleSubmit} noValidate aria-label="Log an activity">
        <TextField
          label="Type"
          placeholder="run, ride, swim…"
          maxLength={TEXT_MAX_LENGTH}
          {...bind("type")}
        />
        <TextField label="Title" maxLength={TEXT_MAX_LENGTH} {...bind("title")} />
        <TextField label="Description (optional)" {...bind("description")} />
        <TextField
          label="Duration (minutes)"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          {...bind("durationMinutes")}
        />
        <TextField
          label="Distance (km)"
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          {...bind("distanceKm")}
        />
        <TextField label="Date (optional, default today)" type="date" {...bind("activityDate")} />
        <FormError message={errors.form} />
        <button type="submit" disabled={loading}>
          Log activity
        </button>
      </form>
    </section>
  );
}

import type { CreateActivityInput } from "./generated/graphql";

/**
 * Client-side checks that mirror the server's limits, so most mistakes are caught before
 * a round trip. The server stays the authority: its BAD_USER_INPUT errors are shown too.
 * `?clientChecks=off` in the address turns these checks off to see the server's errors.
 */
export const clientChecksEnabled =
  new URLSearchParams(window.location.search).get("clientChecks") !== "off";

export const TEXT_MAX_LENGTH = 200;
export const PASSWORD_MIN_LENGTH = 10;
export const DURATION_MAX_MINUTES = 7 * 24 * 60;
export const DISTANCE_MAX_KM = 100_000;

export interface ActivityFormValues {
  type: string;
  title: string;
  description: string;
  durationMinutes: string;
  distanceKm: string;
  /** `YYYY-MM-DD` from a date input, or "" for now. */
  activityDate: string;
}
export type ActivityField = keyof ActivityFormValues;
export const ACTIVITY_FIELDS: readonly ActivityField[] = [
  "type",
  "title",
  "description",
  "durationMinutes",
  "distanceKm",
  "activityDate",
];

export interface CredentialsValues {
  email: string;
  password: string;
}
export type CredentialsField = keyof CredentialsValues;
export const CREDENTIALS_FIELDS: readonly CredentialsField[] = ["email", "password"];

type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

/** Characters that take no space: text of only these looks empty (as the server sees it). */
const INVISIBLE = /[\s\u00ad\u180e\u200b-\u200d\u2060\ufeff]/gu;
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

function checkText(label: string, value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.replace(INVISIBLE, "") === "") return `${label} can't be empty.`;
  if (CONTROL.test(trimmed)) return `${label} can't contain line breaks or control characters.`;
  if (trimmed.length > TEXT_MAX_LENGTH) {
    return `${label} can't be longer than ${TEXT_MAX_LENGTH} characters.`;
  }
  return undefined;
}

function checkNonNegative(
  label: string,
  value: string,
  options: { integer: boolean; max: number },
): string | undefined {
  if (value.trim() === "") return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) return `${label} must be a number.`;
  if (number < 0) return `${label} can't be negative.`;
  if (options.integer && !Number.isInteger(number)) return `${label} must be a whole number.`;
  if (number > options.max) return `${label} can't be more than ${options.max}.`;
  return undefined;
}

/** A `YYYY-MM-DD` day as an instant: noon local time, so the day survives time zones. */
function dayToDate(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T12:00:00`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const EARLIEST_DAY = new Date("1900-01-01T00:00:00Z");

function checkDay(label: string, value: string): string | undefined {
  if (value.trim() === "") return undefined;
  const date = dayToDate(value.trim());
  if (!date) return `${label} must be a valid date.`;
  const tomorrow = Date.now() + 24 * 60 * 60 * 1000;
  if (date < EARLIEST_DAY || date.getTime() > tomorrow) {
    return `${label} must be between 1900 and tomorrow.`;
  }
  return undefined;
}

function withoutUndefined<Field extends string>(
  errors: Record<Field, string | undefined>,
): FieldErrors<Field> {
  return Object.fromEntries(
    Object.entries(errors).filter(([, message]) => message !== undefined),
  ) as FieldErrors<Field>;
}

export function validateActivity(values: ActivityFormValues): FieldErrors<ActivityField> {
  if (!clientChecksEnabled) return {};
  return withoutUndefined({
    type: checkText("Type", values.type),
    title: checkText("Title", values.title),
    description: undefined,
    durationMinutes: checkNonNegative("Duration", values.durationMinutes, {
      integer: true,
      max: DURATION_MAX_MINUTES,
    }),
    distanceKm: checkNonNegative("Distance", values.distanceKm, {
      integer: false,
      max: DISTANCE_MAX_KM,
    }),
    activityDate: checkDay("Date", values.activityDate),
  });
}

export function validateCredentials(
  values: CredentialsValues,
  mode: "login" | "register",
): FieldErrors<CredentialsField> {
  if (!clientChecksEnabled) return {};
  const email = values.email.trim();
  return withoutUndefined({
    email:
      email === ""
        ? "E-mail is required."
        : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
          ? undefined
          : "Enter a valid e-mail address.",
    password:
      values.password === ""
        ? "Password is required."
        : mode === "register" && values.password.length < PASSWORD_MIN_LENGTH
          ? `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`
          : undefined,
  });
}

function optionalNumber(value: string): number | null {
  return value.trim() === "" ? null : Number(value);
}

export function toCreateActivityInput(values: ActivityFormValues): CreateActivityInput {
  const description = values.description.trim();
  return {
    type: values.type.trim(),
    title: values.title.trim(),
    description: description === "" ? null : description,
    durationMinutes: optionalNumber(values.durationMinutes),
    distanceKm: optionalNumber(values.distanceKm),
    // Empty means now (the server's default); with client checks off, a bad value is sent
    // as typed so the server's own error shows.
    ...(values.activityDate.trim() !== "" && {
      activityDate: dayToDate(values.activityDate.trim())?.toISOString() ?? values.activityDate,
    }),
  };
}

/**
 * The rules for input fields, as class-validator decorators whose messages a person reads
 * ("Title can't be empty."), each about one field. Every text field is checked for what
 * PostgreSQL cannot store or a person cannot see: NUL and other control characters, lone
 * UTF-16 surrogates, and text that is blank once spaces and zero-width characters are
 * gone. All of it is refused as BAD_USER_INPUT before any workflow runs.
 */
import {
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  validateOrReject,
  type ValidationArguments,
  type ValidationError,
  type ValidationOptions,
  type ValidatorOptions,
} from "class-validator";
import { ArgumentValidationError } from "type-graphql";

/** How each input field is called in messages; features register their fields' labels. */
const fieldLabels = new Map<string, string>();

/** Names input fields for people (`{ durationMinutes: "Duration" }`), in every message about them. */
export function registerFieldLabels(labels: Readonly<Record<string, string>>): void {
  for (const [field, label] of Object.entries(labels)) fieldLabels.set(field, label);
}

/** The field's name for a person ("Title"); the field's own name when it has none. */
export function labelOf(field: string): string {
  return fieldLabels.get(field) ?? field;
}

const label = (args: ValidationArguments) => labelOf(args.property);

export const TEXT_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;

/** Characters that take no space: a title of only these looks empty. */
const INVISIBLE = /[\s\u00ad\u180e\u200b-\u200d\u2060\ufeff]/gu;
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// eslint-disable-next-line no-control-regex -- as above, with tab and line breaks allowed
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** A validation rule about one field: `check` passes the value, `message` says what is wrong in words. */
export function rule(
  name: string,
  check: (value: unknown) => boolean,
  message: (args: ValidationArguments) => string,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: check, defaultMessage: message } }, options);
}

/**
 * Text a person typed: well-formed Unicode with no control characters (line breaks and
 * tabs allowed with `multiline`). Not about emptiness: see {@link NotBlank}.
 */
export function CleanText(options: { multiline?: boolean } = {}): PropertyDecorator {
  const control = options.multiline ? CONTROL_EXCEPT_LINES : CONTROL;
  const decorators = [
    rule(
      "wellFormed",
      (value) => typeof value !== "string" || value.isWellFormed(),
      (args) => `${label(args)} contains an invalid character (a broken Unicode sequence).`,
    ),
    rule(
      "noControlCharacters",
      (value) => typeof value !== "string" || !control.test(value),
      (args) =>
        options.multiline
          ? `${label(args)} can't contain control characters.`
          : `${label(args)} can't contain line breaks or control characters.`,
    ),
  ];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** At least one visible character: "", "   " and a string of zero-width spaces are empty. */
export function NotBlank(): PropertyDecorator {
  return rule(
    "notBlank",
    (value) => typeof value === "string" && value.replace(INVISIBLE, "") !== "",
    (args) => `${label(args)} can't be empty.`,
  );
}

export function MaxText(max = TEXT_MAX_LENGTH): PropertyDecorator {
  return MaxLength(max, {
    message: (args) => `${label(args)} can't be longer than ${max} characters.`,
  });
}

export function MinText(min: number): PropertyDecorator {
  return MinLength(min, {
    message: (args) => `${label(args)} must be at least ${min} characters.`,
  });
}

export function AtLeast(min: number, unit = ""): PropertyDecorator {
  return Min(min, {
    message: (args) =>
      min === 0
        ? `${label(args)} can't be negative.`
        : `${label(args)} must be at least ${min}${unit}.`,
  });
}

export function AtMost(max: number, unit = ""): PropertyDecorator {
  return Max(max, { message: (args) => `${label(args)} can't be more than ${max}${unit}.` });
}

/** Within [earliest, latest()] (latest is computed at each check: "tomorrow" moves). */
export function DateBetween(
  earliest: Date,
  latest: () => Date,
  describe: string,
): PropertyDecorator {
  return rule(
    "dateBetween",
    (value) =>
      !(value instanceof Date) ||
      (value.getTime() >= earliest.getTime() && value.getTime() <= latest().getTime()),
    (args) => `${label(args)} must be ${describe}.`,
  );
}

/**
 * What class-validator is told for every argument: type-graphql's defaults for it (missing
 * fields are `@IsOptional`'s business; unknown values pass, GraphQL already refused them),
 * and every field's problems reported at once.
 */
const VALIDATOR_OPTIONS: ValidatorOptions = {
  forbidUnknownValues: false,
  skipMissingProperties: true,
  stopAtFirstError: false,
};

/**
 * Validates a resolver's argument as type-graphql would with `validate: VALIDATOR_OPTIONS`
 * (input objects, and arrays of them, through class-validator; ArgumentValidationError
 * when they break a rule), with class-validator loaded once: type-graphql 2.0.0-rc.4
 * imports it with `await import()` for every argument it validates, which took 20-30 µs
 * of every request that has one in profiles of the API (the module loader's lookup).
 */
export async function validateArgument(argument: unknown): Promise<void> {
  if (argument === null || typeof argument !== "object") return;
  try {
    if (Array.isArray(argument)) {
      const objects = argument.filter(
        (item): item is object => item !== null && typeof item === "object",
      );
      await Promise.all(objects.map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
    } else {
      await validateOrReject(argument, VALIDATOR_OPTIONS);
    }
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

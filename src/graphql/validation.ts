import { isEmail, Matches, MaxLength, ValidateBy, type ValidationOptions } from "class-validator";

/** At least one visible character: "" and "   " are both rejected. */
export function NotBlank(options?: ValidationOptions): PropertyDecorator {
  return Matches(/\S/, { message: "$property must not be empty", ...options });
}

export const TEXT_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;

export function MaxText(max = TEXT_MAX_LENGTH): PropertyDecorator {
  return MaxLength(max, { message: `$property must be at most ${max} characters` });
}

/** A well-formed e-mail address once surrounding spaces are trimmed (they are trimmed when stored). */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: "isEmailAddress",
      validator: {
        validate: (value: unknown) => typeof value === "string" && isEmail(value.trim()),
        defaultMessage: () => "$property must be a valid e-mail address",
      },
    },
    options,
  );
}

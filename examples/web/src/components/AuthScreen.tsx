import { useApolloClient, useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { toFormErrors, type FormErrors } from "../errors";
import { LoginDocument, RegisterUserDocument } from "../generated/graphql";
import { startSession } from "../session";
import {
  CREDENTIALS_FIELDS,
  PASSWORD_MIN_LENGTH,
  validateCredentials,
  type CredentialsField,
} from "../validation";
import { FormError } from "./FormError";
import { TextField } from "./TextField";

type Mode = "login" | "register";

/** Sign up or log in; on success the session token goes to sessionStorage. */
export function AuthScreen({ sessionExpired }: { sessionExpired: boolean }) {
  const client = useApolloClient();
  const [mode, setMode] = useState<Mode>("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FormErrors<CredentialsField>>({ fields: {} });
  const [registerUser, registering] = useMutation(RegisterUserDocument);
  const [login, loggingIn] = useMutation(LoginDocument);
  const submitting = registering.loading || loggingIn.loading;

  function switchMode(next: Mode) {
    setMode(next);
    setErrors({ fields: {} });
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors = validateCredentials({ email, password }, mode);
    if (Object.keys(fieldErrors).length > 0) {
      setErrors({ fields: fieldErrors });
      return;
    }
    setErrors({ fields: {} });
    const input = { email: email.trim(), password };
    try {
      const token =
        mode === "register"
          ? (await registerUser({ variables: { input } })).data?.registerUser.sessionToken
          : (await login({ variables: { input } })).data?.login.sessionToken;
      if (!token) throw new Error("The server returned no session token.");
      // A new session starts with an empty cache: nothing of a previous viewer remains.
      await client.clearStore();
      startSession(token);
    } catch (error) {
      setErrors(toFormErrors(error, CREDENTIALS_FIELDS, { EMAIL_TAKEN: "email" }));
    }
  }

  const title = mode === "register" ? "Sign up" : "Log in";
  return (
    <main className="auth">
      <h1>Activelog</h1>
      <h2>{title}</h2>
      {sessionExpired && (
        <p className="notice" role="status">
          Your session has ended. Please log in again.
        </p>
      )}
      <form onSubmit={handleSubmit} noValidate aria-label={title}>
        <TextField
          id="email"
          label="E-mail"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={errors.fields.email}
        />
        <TextField
          id="password"
          label="Password"
          type="password"
          autoComplete={mode === "register" ? "new-password" : "current-password"}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={errors.fields.password}
          {...(mode === "register" ? { minLength: PASSWORD_MIN_LENGTH } : {})}
        />
        <FormError message={errors.form} />
        <button type="submit" disabled={submitting}>
          {title}
        </button>
      </form>
      {mode === "login" ? (
        <button type="button" className="link" onClick={() => switchMode("register")}>
          New here? Create an account
        </button>
      ) : (
        <button type="button" className="link" onClick={() => switchMode("login")}>
          Already have an account? Log in
        </button>
      )}
    </main>
  );
}

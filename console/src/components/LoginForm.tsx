import { Button, Form, InlineNotification, PasswordInput, Stack, TextInput, Tile } from '@carbon/react';
import { type FormEvent, useState } from 'react';
import type { Credentials } from '../api/auth.ts';

/**
 * Sign-in: user and password become the HTTP Basic header of every API call (the embedded run's
 * demo/demo); on AWS (config auth "bearer") a pasted access token becomes the bearer header.
 */
export function LoginForm({
  auth,
  message,
  onSignIn,
}: {
  auth: 'basic' | 'bearer';
  message?: string;
  onSignIn: (credentials: Credentials) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSignIn(
      auth === 'bearer' ? { kind: 'bearer', token: token.trim() } : { kind: 'basic', username, password },
    );
  };
  const ready = auth === 'bearer' ? token.trim() !== '' : username !== '' && password !== '';
  return (
    <main className="login">
      <Tile>
        <Form aria-labelledby="login-heading" onSubmit={submit}>
          <Stack gap={6}>
            <h1 id="login-heading" className="login__heading">
              Batch operations
            </h1>
            <p>
              Sign in with the credentials of the API
              {auth === 'basic' ? ' (the embedded run: demo / demo)' : ''}.
            </p>
            {message && (
              <InlineNotification kind="warning" role="alert" lowContrast hideCloseButton title={message} />
            )}
            {auth === 'bearer' ? (
              <TextInput
                id="login-token"
                labelText="Access token (JWT)"
                value={token}
                onChange={(event) => setToken(event.target.value)}
              />
            ) : (
              <>
                <TextInput
                  id="login-username"
                  labelText="Username"
                  autoComplete="username"
                  value={username}
                  onChange={(event) => setUsername(event.target.value)}
                />
                <PasswordInput
                  id="login-password"
                  labelText="Password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
              </>
            )}
            <Button type="submit" disabled={!ready}>
              Sign in
            </Button>
          </Stack>
        </Form>
      </Tile>
    </main>
  );
}

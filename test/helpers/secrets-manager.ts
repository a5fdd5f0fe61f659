import { type ChildProcess, spawn } from 'node:child_process';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { pythonTool } from '../../checks/python-venv.ts';
import { stopChild, waitUntilReady } from '../../local/child-process.ts';
import { freePort } from '../../local/free-port.ts';

/**
 * An AWS Secrets Manager emulator on 127.0.0.1: moto's server (pinned in checks/requirements.txt, made by the test setup) in a
 * child process, speaking Secrets Manager's own JSON protocol to the real SDK client.
 */
export class SecretsManagerEmulator {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<SecretsManagerEmulator> {
    const port = await freePort();
    const child = spawn(pythonTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    const emulator = new SecretsManagerEmulator(child, `http://127.0.0.1:${port}`);
    await waitUntilReady(
      'moto_server (Secrets Manager)',
      async () => {
        await fetch(emulator.endpoint);
      },
      60_000,
      () => (child.exitCode === null ? undefined : `it exited with ${child.exitCode}`),
    );
    return emulator;
  }

  /** The real SDK client pointed at the emulator. */
  client(): SecretsManagerClient {
    return new SecretsManagerClient({
      endpoint: this.endpoint,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  }

  async createSecret(name: string, value: string): Promise<void> {
    await this.client().send(new CreateSecretCommand({ Name: name, SecretString: value }));
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

// "ML Lab: Set Redis Password" and "ML Lab: Clear Redis Password": the password of the distributed sweeps'
// Redis server lives in the editor's SecretStorage (the OS keychain where there is one), never in
// settings.json, which is plain text and often committed.
import * as vscode from 'vscode';
import { CommandIds } from '../commandIds.js';

/** The SecretStorage key. One password for the configured server (mllab.sweep.redisUrl). */
export const REDIS_PASSWORD_KEY = 'mllab.sweep.redisPassword';

/** The stored password, or null. */
export async function readRedisPassword(secrets: vscode.SecretStorage): Promise<string | null> {
  const value = await secrets.get(REDIS_PASSWORD_KEY);
  return value === undefined || value === '' ? null : value;
}

export function registerRedisPasswordCommands(secrets: vscode.SecretStorage): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.setRedisPassword, async () => {
      const password = await vscode.window.showInputBox({
        title: 'ML Lab: Set Redis Password',
        prompt: 'The password of the Redis server in mllab.sweep.redisUrl. Kept in the editor\'s secret storage, not in settings.json.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v === '' ? 'Empty: use "ML Lab: Clear Redis Password" to remove the password.' : null),
      });
      if (password === undefined) return;
      await secrets.store(REDIS_PASSWORD_KEY, password);
      void vscode.window.showInformationMessage('ML Lab: Redis password saved in the secret storage. Sweeps and the Workers view use it from now on.');
    }),
    vscode.commands.registerCommand(CommandIds.clearRedisPassword, async () => {
      await secrets.delete(REDIS_PASSWORD_KEY);
      void vscode.window.showInformationMessage('ML Lab: Redis password removed from the secret storage.');
    }),
  ];
}

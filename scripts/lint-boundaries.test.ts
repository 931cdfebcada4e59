import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The process-boundary rules in eslint.config.js must catch what they promise to catch. */
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('process boundaries', () => {
  it.each([
    ['src/renderer/src/Bad.tsx', "import fs from 'node:fs';\nexport const x = fs;\n"],
    [
      'src/renderer/src/Bad.tsx',
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
    ],
    [
      'src/renderer/src/Bad.tsx',
      "import { ChatStore } from '../../store';\nexport const x = ChatStore;\n",
    ],
    ['src/shared/bad.ts', "import path from 'path';\nexport const x = path;\n"],
    [
      'src/preload/bad.ts',
      "import { dispatch } from '../services/dispatch';\nexport const x = dispatch;\n",
    ],
    ['src/store/bad.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/backup/bad.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/cli/bad.ts', "import { shell } from 'electron';\nexport const x = shell;\n"],
    [
      'src/app-backup/bad.ts',
      "import { safeStorage } from 'electron';\nexport const x = safeStorage;\n",
    ],
    [
      'src/renderer/src/features/import/Bad.tsx',
      "import { Repository } from '../../../../backup';\nexport const x = Repository;\n",
    ],
    [
      'src/renderer/src/features/backup/Bad.tsx',
      "import { BackupService } from '../../../../services/backup-service';\nexport const x = BackupService;\n",
    ],
    [
      'src/renderer/src/features/chats/messages/Bad.tsx',
      "import { ChatStore } from '../../../../../store';\nexport const x = ChatStore;\n",
    ],
    // Features use each other only through their index.
    [
      'src/renderer/src/features/chats/Bad.tsx',
      "import { SecurityCard } from '../backup/SecurityCard';\nexport const x = SecurityCard;\n",
    ],
    [
      'src/renderer/src/features/import/deep/Bad.tsx',
      "import { ChatList } from '../../chats/list/ChatList';\nexport const x = ChatList;\n",
    ],
    [
      'src/renderer/src/ui/Bad.tsx',
      "import { ChatsSection } from '../features/chats';\nexport const x = ChatsSection;\n",
    ],
    [
      'src/renderer/src/tasks/Bad.tsx',
      "import { x as y } from '../features/backup/secret';\nexport const x = y;\n",
    ],
    [
      'src/renderer/src/Bad.tsx',
      "import { tasks } from '../../app-backup/settings';\nexport const x = tasks;\n",
    ],
    ['src/shared/bad.ts', "import { ChatStore } from '../store';\nexport const x = ChatStore;\n"],
    [
      'src/shared/ipc/bad.ts',
      "import { dispatch } from '../../services/dispatch';\nexport const x = dispatch;\n",
    ],
    [
      'src/renderer/src/Bad.tsx',
      "import { startBridge } from '../../../e2e/bridge/server';\nexport const x = startBridge;\n",
    ],
    // src/export sits on the store: nothing above it, no Electron.
    ['src/export/bad.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/export/bad.ts', "import { EXIT } from '../cli/exit-codes.js';\nexport const x = EXIT;\n"],
    [
      'src/export/html/bad.ts',
      "import { TaskRunner } from '../../services/tasks';\nexport const x = TaskRunner;\n",
    ],
    [
      'src/export/bad.ts',
      "import { IMPORTERS } from '../importers/index.js';\nexport const x = IMPORTERS;\n",
    ],
    [
      'src/export/bad.ts',
      "import { Repository } from '../backup/index.js';\nexport const x = Repository;\n",
    ],
    [
      'src/renderer/src/Bad.tsx',
      "import { runExport } from '../../export';\nexport const x = runExport;\n",
    ],
    // Layers of the Node cores: nothing from beside or above.
    [
      'src/node/bad.ts',
      "import { ChatStore } from '../store/index.js';\nexport const x = ChatStore;\n",
    ],
    [
      'src/store/bad.ts',
      "import { Repository } from '../backup/repository.js';\nexport const x = Repository;\n",
    ],
    [
      'src/backup/engine/bad.ts',
      "import { commandContext } from '../../cli/context.js';\nexport const x = commandContext;\n",
    ],
    [
      'src/backup/bad.ts',
      "import { IMPORTERS } from '../importers/index.js';\nexport const x = IMPORTERS;\n",
    ],
    [
      'src/importers/core/bad.ts',
      "import { runImportJob } from '../../services/import-worker/import-client.js';\nexport const x = runImportJob;\n",
    ],
    [
      'src/importers/bad.ts',
      "import { Repository } from '../backup/repository.js';\nexport const x = Repository;\n",
    ],
    [
      'src/app-backup/bad.ts',
      "import { BackupService } from '../services/backup-service.js';\nexport const x = BackupService;\n",
    ],
    ['src/seed/bad.ts', "import { EXIT } from '../cli/exit-codes.js';\nexport const x = EXIT;\n"],
    ['src/store/bad.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ])('%s may not import that', async (filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).toContain('no-restricted-imports');
  });

  it.each([
    [
      'src/renderer/src/Good.tsx',
      "import { channels } from '../../shared/ipc/contract';\nexport const x = channels;\n",
    ],
    ['src/store/good.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['src/main/good.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    [
      'src/renderer/src/features/import/Good.tsx',
      "import { useTask } from '../../tasks/tasks';\nexport const x = useTask;\n",
    ],
    [
      'src/renderer/src/features/backup/Good.tsx',
      "import { api } from '../../api';\nexport const x = api;\n",
    ],
    [
      'src/renderer/src/features/chats/messages/Good.tsx',
      "import { findLinks } from '../../../../../shared/links';\nexport const x = findLinks;\n",
    ],
    [
      'src/renderer/src/features/chats/Good.tsx',
      "import { BackupSection } from '../backup';\nexport const x = BackupSection;\n",
    ],
    [
      'src/renderer/src/features/chats/list/Good.tsx',
      "import { Message } from '../messages/Message';\nexport const x = Message;\n",
    ],
    [
      'src/shared/ipc/good.ts',
      "import type { ChatSummary } from '../chat-types';\nexport type X = ChatSummary;\n",
    ],
    [
      'src/export/good.ts',
      "import { ChatStore } from '../store/index.js';\nexport const x = ChatStore;\n",
    ],
    [
      'src/backup/good.ts',
      "import { ChatStore } from '../store/index.js';\nexport const x = ChatStore;\n",
    ],
    [
      'src/app-backup/good.ts',
      "import { Repository } from '../backup/repository.js';\nexport const x = Repository;\n",
    ],
    // Tests and the engine's fault tests may drive the CLI.
    [
      'src/backup/faults/good.ts',
      "import { runCli } from '../../cli/test-helpers.js';\nexport const x = runCli;\n",
    ],
    [
      'src/store/good.test.ts',
      "import { generateBundles } from '../seed/generate.js';\nexport const x = generateBundles;\n",
    ],
    [
      'src/export/html/good.ts',
      "import { findLinks } from '../../shared/links.js';\nexport const x = findLinks;\n",
    ],
    [
      'src/export/good.test.ts',
      "import { IMPORTERS } from '../importers/index.js';\nexport const x = IMPORTERS;\n",
    ],
    [
      'src/cli/commands/good.ts',
      "import { runExport } from '../../export/index.js';\nexport const x = runExport;\n",
    ],
  ])('%s may import that', async (filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).not.toContain('no-restricted-imports');
  });
});

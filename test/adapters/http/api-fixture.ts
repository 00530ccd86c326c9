import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach } from "vitest";
import { demoModel } from "../../../src/adapters/cli/demo/demo-model.js";
import { type DemoRun, runDemoScenario } from "../../../src/adapters/cli/demo/demo-scenario.js";
import type { ApiOptions } from "../../../src/adapters/http/api.js";
import { ColonyHost, type ColonyHostOptions } from "../../../src/adapters/http/colony-host.js";
import { type LiveServer, listen } from "./live-server.js";

const DB = "colony.db";

export interface OpenedHost {
  readonly host: ColonyHost;
  readonly dir: string;
}

/**
 * Hosts on real SQLite files in temp dirs and servers on loopback ports, all closed after each
 * test. `demo()` opens a copy of a log the demo scenario wrote (a person's session, a colony
 * spawned with 24 tasks, four forked workers, a compaction, a delegation, a checkpoint and a
 * replay), written once per test file. Call at a test file's top level.
 */
export function apiHosts() {
  const hosts: OpenedHost[] = [];
  const servers: LiveServer[] = [];
  let template: Promise<{ dir: string; run: DemoRun }> | undefined;

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.app.close();
    for (const { host, dir } of hosts.splice(0)) {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    const made = await template?.catch(() => undefined);
    if (made) rmSync(made.dir, { recursive: true, force: true });
  });

  const open = async (dir: string, options: ColonyHostOptions): Promise<ColonyHost> => {
    const host = await ColonyHost.open(join(dir, DB), options);
    hosts.push({ host, dir });
    return host;
  };

  return {
    /** A host on an empty log. */
    async empty(options: ColonyHostOptions = {}): Promise<OpenedHost> {
      const dir = mkdtempSync(join(tmpdir(), "colonylog-api-"));
      return { host: await open(dir, options), dir };
    },

    /** A host on a copy of the demo's log, and what the demo reported of it. */
    async demo(options: ColonyHostOptions = {}): Promise<OpenedHost & { run: DemoRun }> {
      template ??= (async () => {
        const dir = mkdtempSync(join(tmpdir(), "colonylog-demo-"));
        const run = await runDemoScenario(join(dir, DB), demoModel(), resolve("examples/texts"));
        return { dir, run };
      })();
      const { dir: from, run } = await template;
      const dir = mkdtempSync(join(tmpdir(), "colonylog-api-"));
      for (const suffix of ["", "-wal"]) {
        if (existsSync(join(from, DB + suffix))) copyFileSync(join(from, DB + suffix), join(dir, DB + suffix));
      }
      return { host: await open(dir, options), dir, run };
    },

    async listen(host: ColonyHost, options: Partial<ApiOptions> = {}): Promise<LiveServer> {
      const server = await listen(host, options);
      servers.push(server);
      return server;
    },
  };
}

/**
 * `hanlab cluster up|down`: a local NATS cluster for fleets (fleet/cluster/nats-cluster.ts).
 */
import { DEFAULT_SCENARIO } from '../sim/scenario/load.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { ClusterError, DEFAULT_CLUSTER_DIR, startCluster, stopCluster } from '../fleet/cluster/nats-cluster.ts';
import { loadPopulation, PopulationError } from '../fleet/population/load.ts';
import { fleetIdentities } from '../fleet/identities.ts';
import { parseCommandArgs } from './args.ts';
import { loadScenario } from './run-args.ts';
import { UsageError } from './usage.ts';
import { checkWritableDirectory } from './writable.ts';

export const help = `hanlab cluster — a local NATS cluster (MQTT 3.1.1 over JetStream) for fleets and tests

Usage: hanlab cluster up [--nodes N] [--dir DIR] [--scenario NAME|FILE | --population NAME|FILE --homes N] [--seed N]
                         [--host ADDR] [--advertise HOST] [--route nats-route://HOST:PORT …]
       hanlab cluster down [--dir DIR]

  up              start N nats-server processes (Debian's nats-server) routed to one another,
                  each on free ports of its own (client, cluster, MQTT, HTTP monitoring; never
                  4222/6222/8222/1883), wait until each answers MQTT, and print each node's
                  mqtt:// URL; the servers keep running after hanlab exits
  down            stop DIR's nodes by PID (SIGTERM, SIGKILL after 5 s) and remove their
                  configs and JetStream stores (the logs stay)
  --nodes N       how many nodes, 1…9 (default 3); a lone node (1, no --route) has no
                  cluster port and cannot be routed to
  --dir DIR       where the configs, logs, PIDs, JetStream stores and cluster.json (ports, PIDs,
                  URLs, the admin login; mode 0600) live (default ${DEFAULT_CLUSTER_DIR})
  --scenario, --seed  whose accounts the nodes hold: every device of the scenario's homes with
                  its secret for that seed, as for hanlab sim --print-broker-files (default
                  ${DEFAULT_SCENARIO} with its own seed); each device's NATS permissions are its
                  HAN ACL (publish only as itself, read only what is addressed to it)
  --population NAME|FILE, --homes N  hold a fleet's accounts instead: every device, hub and
                  supplier of homes 0…N−1 of the population for --seed (default 1), as
                  hanlab fleet --broker mqtt://… needs them
  --host ADDR     address every port listens on (default 127.0.0.1; 0.0.0.0 to let other
                  machines' nodes and devices in)
  --advertise HOST  the host the printed URLs and the nodes' routes name (default: --host, or
                  127.0.0.1 for 0.0.0.0): this machine's address for a cluster across machines
  --route URL     also route to another machine's node (its cluster port; repeatable)

Running the same on several machines: docs/cluster.md.`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'up' && sub !== 'down') throw new UsageError(`expected up or down, found ${sub === undefined ? 'nothing' : `"${sub}"`}`, { seeHelp: true });
  const { values } = parseCommandArgs(
    rest,
    {
      nodes: { type: 'string' },
      dir: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      host: { type: 'string' },
      advertise: { type: 'string' },
      route: { type: 'string', multiple: true },
      population: { type: 'string' },
      homes: { type: 'string' },
    },
    false,
  );
  const dir = values.dir ?? DEFAULT_CLUSTER_DIR;
  if (sub === 'down') {
    for (const flag of ['nodes', 'scenario', 'seed', 'host', 'advertise', 'route', 'population', 'homes'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag}: only for cluster up`, { seeHelp: true });
    }
    const result = await stopCluster(dir);
    if (result === null) throw new UsageError(`--dir: no cluster in "${dir}" (no cluster.json)`);
    process.stdout.write(`stopped ${result.stopped.length} node${result.stopped.length === 1 ? '' : 's'}${result.stopped.length ? ` (PIDs ${result.stopped.join(', ')})` : ''}${result.killed.length ? `, ${result.killed.length} by SIGKILL` : ''}\n`);
    return 0;
  }
  const nodes = values.nodes === undefined ? 3 : Number(values.nodes);
  if (values.nodes !== undefined && !/^[1-9]$/.test(values.nodes)) throw new UsageError(`--nodes: expected a whole number 1…9, found "${values.nodes}"`);
  for (const r of values.route ?? []) {
    if (!/^nats-route:\/\/[^\s/:]+:\d{1,5}$/.test(r)) throw new UsageError(`--route: expected nats-route://HOST:PORT, found "${r}"`);
  }
  for (const flag of ['host', 'advertise'] as const) {
    const v = values[flag];
    if (v !== undefined && !/^[A-Za-z0-9.:_-]+$/.test(v)) throw new UsageError(`--${flag}: expected a host name or address, found "${v}"`);
  }
  if (values.seed !== undefined && (!/^\d+$/.test(values.seed) || Number(values.seed) > 0xffffffff)) throw new UsageError(`--seed: expected a whole number 0…4294967295, found "${values.seed}"`);
  const fleet = values.population !== undefined || values.homes !== undefined;
  if (fleet && values.scenario !== undefined) throw new UsageError('--scenario: not with --population / --homes (a cluster holds one scenario\'s accounts or one fleet\'s)', { seeHelp: true });
  if (fleet && (values.population === undefined || values.homes === undefined)) throw new UsageError(`${values.homes === undefined ? '--homes' : '--population'}: needed with ${values.homes === undefined ? '--population' : '--homes'}`, { seeHelp: true });
  let identities;
  let whose: string;
  if (fleet) {
    if (!/^\d+$/.test(values.homes!) || Number(values.homes) < 1 || Number(values.homes) > 1_000_000) throw new UsageError(`--homes: expected a whole number 1…1000000, found "${values.homes}"`);
    let pop;
    try {
      pop = loadPopulation(values.population!).population;
    } catch (err) {
      if (err instanceof PopulationError) throw new UsageError(`--population: ${err.message}`);
      throw err;
    }
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    identities = fleetIdentities(pop, seed, Number(values.homes));
    whose = `population ${pop.name}, ${values.homes} homes, seed ${seed}`;
  } else {
    let scenario = loadScenario(values.scenario ?? DEFAULT_SCENARIO);
    if (values.seed !== undefined) scenario = { ...scenario, seed: Number(values.seed) };
    identities = simulationIdentities(scenario);
    whose = `scenario ${scenario.name}, seed ${scenario.seed}`;
  }
  checkWritableDirectory('--dir', dir);
  try {
    const info = await startCluster({
      nodes,
      dir,
      identities,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.advertise !== undefined ? { advertise: values.advertise } : {}),
      ...(values.route !== undefined ? { routes: values.route } : {}),
    });
    process.stdout.write(`hanlab cluster: ${info.nodes.length} node${info.nodes.length === 1 ? '' : 's'} up in ${(info.startupMs / 1000).toFixed(1)} s, ${info.accounts} accounts (${whose}); ${info.dir}/cluster.json\n`);
    for (const n of info.nodes) process.stdout.write(`${n.mqttUrl}  ${n.name}  pid ${n.pid}  nats ${n.natsUrl}  route ${n.routeUrl ?? 'none (a lone node)'}  monitor http://${n.host}:${n.httpPort}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ClusterError) {
      process.stderr.write(`hanlab cluster: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

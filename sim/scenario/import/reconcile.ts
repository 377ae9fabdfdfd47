import { ImportError, where, type BundleFile, type ImportIssue, type Row } from './bundle.js';
import { assignRacks, type RackSource } from './racks.js';

/**
 * The bundle read into one inventory (docs/import.md): placement is the source of truth for
 * capacity; hypervisors, compute services, servers, flavors, server groups, aggregates and zones
 * are joined to it by name and UUID, and every row that cannot be used is reported under a rule
 * with its file and JSON path.
 *
 * Columns matched: osc-placement 4.9.0-8-g5656d51 (resource provider list / inventory list /
 * usage show: lowercase keys; `used` in inventory list since 3.0.0) and python-openstackclient
 * 10.2.1-32-g5b7da4b (everything else: the display headers as keys); older clients print the
 * same keys, except where the microversion changes them (noted where read).
 */
export interface ImportedHost {
  name: string;
  uuid?: string;
  serviceHost?: string;
  totalMb: number;
  vcpus: number;
  reservedMb: number;
  reservedCpus: number;
  ramRatio: number;
  cpuRatio: number;
  maxUnitMb: number;
  enabled: boolean;
  availabilityZone?: string;
  rack: string;
}

export interface ImportedFlavor { name: string; ramMb: number; vcpus: number; diskGb: number; instances: number }
export interface ImportedLine { host: string; flavor: string; group?: string; availabilityZone?: string; count: number }
export interface ImportedGroup { name: string; policy: 'anti-affinity' | 'affinity' | 'soft-anti-affinity' | 'soft-affinity' }

export interface Inventory {
  hosts: ImportedHost[];
  flavors: ImportedFlavor[];
  groups: ImportedGroup[];
  /** Instances grouped by (host, flavor, group, zone), in host order. */
  instances: ImportedLine[];
  serversRead: number;
  serversKept: number;
  issues: ImportIssue[];
}

export interface ReconcileOptions {
  racks?: RackSource;
  /** Every warning refuses the import. */
  strict?: boolean;
}

/** Server statuses (nova's API status) and what the import does with them. */
const KEPT = new Set(['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'RESCUE', 'REBOOT', 'HARD_REBOOT', 'PASSWORD']);
/** Kept on their current host, with a warning: placement may hold a second allocation elsewhere. */
const IN_FLIGHT = new Set(['MIGRATING', 'RESIZE', 'VERIFY_RESIZE', 'REVERT_RESIZE', 'REBUILD', 'BUILD']);

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const shortName = (h: string): string => h.split('.')[0];

interface Node {
  uuid?: string;
  name: string;
  inv: Map<string, Row>;
  usage: Map<string, number>;
  hypervisor?: { f: BundleFile; k: number; row: Row };
  show?: Row;
  serviceHost?: string;
  baremetal: boolean;
  enabled: boolean;
  disabledWhy?: string;
  az?: string;
  usedMb: number;
  usedVcpu: number;
  host?: ImportedHost;
}

export function reconcile(files: BundleFile[], opts: ReconcileOptions = {}): Inventory {
  const issues: ImportIssue[] = [];
  const warn = (rule: string, f: BundleFile | undefined, path: (string | number)[] | undefined, message: string, refuse = false): void => {
    const at = f !== undefined && path !== undefined ? `${where(f, path)}: ` : f !== undefined ? `${f.file}: ` : '';
    issues.push({ rule, file: f?.file, path, message: at + message, refuse: refuse || opts.strict === true });
  };
  const of = (kind: BundleFile['kind']) => files.filter((f) => f.kind === kind);
  const refuse = (message: string): never => {
    throw new ImportError([...issues, { rule: 'bundle', message, refuse: true }]);
  };

  // ---- placement: providers, inventories, usages ------------------------------------------------
  const nodes = new Map<string, Node>();
  for (const f of of('providers')) {
    f.rows.forEach((r, k) => {
      const uuid = str(r.uuid)?.toLowerCase(), name = str(r.name);
      if (uuid === undefined || name === undefined) { warn('bundle', f, [k], 'a resource provider without uuid or name (expected both, as `resource provider list` prints them)', true); return; }
      const root = str(r.root_provider_uuid)?.toLowerCase();
      // Nested providers (PCI devices, vGPUs, bandwidth) carry no MEMORY_MB or VCPU of the compute node.
      if (root !== undefined && root !== uuid) return;
      nodes.set(uuid, { uuid, name, inv: new Map(), usage: new Map(), baremetal: false, enabled: true, usedMb: 0, usedVcpu: 0 });
    });
  }
  const invFiles = new Map<string, BundleFile>();
  for (const f of of('inventory')) {
    const n = nodes.get(f.uuid!);
    if (n === undefined) { if (!files.some((x) => x.kind === 'providers')) continue; warn('unmatched', f, undefined, `inventory of provider ${f.uuid}, which is not in resource provider list (expected a provider of the list; file ignored)`); continue; }
    invFiles.set(f.uuid!, f);
    f.rows.forEach((r, k) => {
      const rc = str(r.resource_class);
      if (rc === undefined || num(r.total) === undefined) { warn('bundle', f, [k], 'an inventory row without resource_class or total (expected `resource provider inventory list` rows)', true); return; }
      n.inv.set(rc, r);
      const used = num(r.used);
      if (used !== undefined) n.usage.set(rc, used);
    });
  }
  for (const f of of('usage')) {
    const n = nodes.get(f.uuid!);
    if (n === undefined) continue;
    f.rows.forEach((r) => { const rc = str(r.resource_class), u = num(r.usage); if (rc !== undefined && u !== undefined) n.usage.set(rc, u); });
  }

  // ---- hypervisors: list (state, type, pre-2.88 memory), show (service host, status) -------------
  const byName = new Map<string, Node>();
  for (const n of nodes.values()) byName.set(n.name, n);
  const shows = new Map<string, Row>();
  for (const f of of('hypervisor')) {
    const r = f.rows[0];
    for (const key of [str(r.id)?.toLowerCase(), f.uuid, str(r.hypervisor_hostname)]) if (key !== undefined) shows.set(key, r);
  }
  const placementPresent = nodes.size > 0;
  for (const f of of('hypervisors')) {
    f.rows.forEach((r, k) => {
      const id = str(r.ID)?.toLowerCase(), hostname = str(r['Hypervisor Hostname']);
      if (hostname === undefined) { warn('bundle', f, [k, 'Hypervisor Hostname'], 'missing (expected the hypervisor hostname)', true); return; }
      // From compute API 2.53 the hypervisor id is the compute node UUID, which is its provider's UUID.
      let n = id !== undefined ? nodes.get(id) : undefined;
      if (n !== undefined && n.name !== hostname) warn('names', f, [k, 'Hypervisor Hostname'], `hypervisor ${JSON.stringify(hostname)} has the UUID of resource provider ${JSON.stringify(n.name)}: the provider's name is used (expected the same name; a renamed host?)`);
      n ??= byName.get(hostname);
      if (n === undefined) {
        const mem = num(r['Memory MB']), cpus = num(r.vCPUs);
        if (placementPresent || mem === undefined || cpus === undefined) {
          warn('unmatched', f, [k, 'Hypervisor Hostname'], `hypervisor ${JSON.stringify(hostname)} matches no resource provider by UUID or name: not imported (expected its provider in resource provider list, with its inventory)`);
          return;
        }
        // No placement data at all: a pre-2.88 hypervisor list is the only capacity there is.
        n = { name: hostname, inv: new Map(), usage: new Map(), baremetal: false, enabled: true, usedMb: 0, usedVcpu: 0 };
        // nova's defaults (docs/openstack-facts.md §6.3): reserved_host_memory_mb 512, ratios 1.0 and 4.0.
        n.inv.set('MEMORY_MB', { total: mem, reserved: 512, allocation_ratio: 1.0 }); n.inv.set('VCPU', { total: cpus, reserved: 0, allocation_ratio: 4.0 });
        nodes.set(`hypervisor:${hostname}`, n);
        byName.set(hostname, n);
        if (str(r['Hypervisor Type'])?.toLowerCase() !== 'ironic') warn('no-placement', f, [k], `hypervisor ${JSON.stringify(hostname)}: no placement inventory in the bundle, so its Memory MB and vCPUs are used with nova's defaults: reserved_host_memory_mb 512, ram_allocation_ratio 1.0, cpu_allocation_ratio 4.0 (expected resource provider inventory list outputs)`);
      }
      n.hypervisor = { f, k, row: r };
      n.show = shows.get(id ?? '') ?? shows.get(hostname);
      if (str(r['Hypervisor Type'])?.toLowerCase() === 'ironic') n.baremetal = true;
      if (str(r.State) === 'down') { n.enabled = false; n.disabledWhy = 'hypervisor state down'; }
    });
  }

  // ---- compute services: enabled/disabled, up/down, zone ---------------------------------------
  const services = new Map<string, { f: BundleFile; k: number; row: Row }>();
  for (const f of of('services')) {
    f.rows.forEach((r, k) => {
      if (str(r.Binary) !== 'nova-compute') return;
      const h = str(r.Host);
      if (h !== undefined) services.set(h, { f, k, row: r });
    });
  }
  const shortServices = new Map<string, string[]>();
  for (const h of services.keys()) { const s = shortName(h); shortServices.set(s, [...(shortServices.get(s) ?? []), h]); }
  const shortMatched: string[] = [];
  for (const n of nodes.values()) {
    let sh = str(n.show?.service_host);
    if (sh === undefined && services.has(n.name)) sh = n.name;
    if (sh === undefined) {
      const c = shortServices.get(shortName(n.name));
      if (c !== undefined && c.length === 1) { sh = c[0]; shortMatched.push(`${n.name} → ${sh}`); }
    }
    n.serviceHost = sh;
    const svc = sh !== undefined ? services.get(sh) : undefined;
    if (svc !== undefined) {
      if (str(svc.row.Status) === 'disabled') { n.enabled = false; n.disabledWhy = `compute service disabled${str(svc.row['Disabled Reason']) ? ` (${svc.row['Disabled Reason']})` : ''}`; }
      if (str(svc.row.State) === 'down') { n.enabled = false; n.disabledWhy = 'compute service down'; }
      const zone = str(svc.row.Zone);
      if (zone !== undefined && zone !== 'internal') n.az = zone;
    }
    if (n.show !== undefined) {
      if (str(n.show.status) === 'disabled' && n.enabled) { n.enabled = false; n.disabledWhy = 'hypervisor status disabled'; }
      if (str(n.show.state) === 'down' && n.enabled) { n.enabled = false; n.disabledWhy = 'hypervisor state down'; }
      if (str(n.show.hypervisor_type)?.toLowerCase() === 'ironic') n.baremetal = true;
    }
  }
  if (shortMatched.length > 0) {
    warn('names', undefined, undefined, `${shortMatched.length} hypervisor hostname(s) matched to their compute service host by short name, e.g. ${shortMatched.slice(0, 3).join(', ')} (expected hypervisor show outputs, which give service_host)`);
  }

  // Zones from aggregates and the zone list where the service list gave none.
  const aggregates: { name: string; az?: string; hosts: string[] }[] = [];
  for (const f of [...of('aggregates'), ...of('aggregate')]) {
    f.rows.forEach((r) => {
      const hosts = Array.isArray(r.Hosts ?? r.hosts) ? ((r.Hosts ?? r.hosts) as unknown[]).map(String) : [];
      const name = str(r.Name ?? r.name);
      if (name !== undefined && !aggregates.some((a) => a.name === name)) aggregates.push({ name, az: str(r['Availability Zone'] ?? r.availability_zone), hosts });
    });
  }
  const zoneOfHost = new Map<string, string>();
  for (const f of of('availability_zones')) {
    for (const r of f.rows) {
      const h = str(r['Host Name']), z = str(r['Zone Name']);
      if (h !== undefined && z !== undefined && str(r['Service Name']) === 'nova-compute') zoneOfHost.set(h, z);
    }
  }
  for (const a of aggregates) if (a.az !== undefined) for (const h of a.hosts) if (!zoneOfHost.has(h)) zoneOfHost.set(h, a.az);
  for (const n of nodes.values()) n.az ??= zoneOfHost.get(n.serviceHost ?? n.name);

  // ---- capacity from placement, reconciled with pre-2.88 hypervisor figures ---------------------
  const baremetal: string[] = [];
  const units: string[] = [];
  const hosts: ImportedHost[] = [];
  for (const n of nodes.values()) {
    const mem = n.inv.get('MEMORY_MB'), cpu = n.inv.get('VCPU');
    const custom = [...n.inv.keys()].filter((rc) => rc.startsWith('CUSTOM_'));
    if (n.baremetal || ((mem === undefined || cpu === undefined) && custom.length > 0)) { n.baremetal = true; baremetal.push(n.name); continue; }
    const invFile = n.uuid !== undefined ? invFiles.get(n.uuid) : undefined;
    if (mem === undefined || cpu === undefined) {
      if (n.hypervisor !== undefined || invFile !== undefined) {
        warn('no-placement', invFile ?? n.hypervisor?.f, invFile ? undefined : [n.hypervisor!.k], `${JSON.stringify(n.name)}: no MEMORY_MB and VCPU inventory in placement: not imported (expected \`resource provider inventory list ${n.uuid ?? '<uuid>'}\` in the bundle)`);
      }
      continue;
    }
    const h: ImportedHost = {
      name: n.name, uuid: n.uuid, serviceHost: n.serviceHost,
      totalMb: num(mem.total)!, vcpus: num(cpu.total)!,
      reservedMb: num(mem.reserved) ?? 0, reservedCpus: num(cpu.reserved) ?? 0,
      ramRatio: num(mem.allocation_ratio) ?? 1, cpuRatio: num(cpu.allocation_ratio) ?? 1,
      maxUnitMb: num(mem.max_unit) ?? num(mem.total)!,
      enabled: n.enabled, availabilityZone: n.az, rack: '',
    };
    if (n.hypervisor !== undefined && invFile !== undefined) {
      const { f, k, row } = n.hypervisor;
      const hm = num(row['Memory MB']) ?? num(n.show?.memory_mb), hc = num(row.vCPUs) ?? num(n.show?.vcpus);
      if (hm !== undefined && hm !== h.totalMb) warn('hypervisor-mismatch', f, [k, 'Memory MB'], `hypervisor ${JSON.stringify(n.name)} reports ${hm} MB, placement's MEMORY_MB total is ${h.totalMb}: placement's is used (expected equal figures; the resource tracker has not reported since a change?)`);
      if (hc !== undefined && hc !== h.vcpus) warn('hypervisor-mismatch', f, [k, 'vCPUs'], `hypervisor ${JSON.stringify(n.name)} reports ${hc} vCPUs, placement's VCPU total is ${h.vcpus}: placement's is used (expected equal figures)`);
    }
    // min_unit and step_size are 1 on nova's compute nodes; anything else is said, not modelled.
    for (const [rc, row] of [['MEMORY_MB', mem], ['VCPU', cpu]] as const) {
      const min = num(row.min_unit) ?? 1, step = num(row.step_size) ?? 1;
      if (min > 1 || step > 1) units.push(`${n.name} ${rc} min_unit ${min} step_size ${step}`);
    }
    n.host = h;
    if (!n.enabled) warn('disabled', n.hypervisor?.f, n.hypervisor ? [n.hypervisor.k] : undefined, `${JSON.stringify(n.name)}: ${n.disabledWhy}: imported as enabled: false (not a scheduling target; its instances stay)`);
    hosts.push(h);
  }
  if (units.length > 0) warn('inventory-units', undefined, undefined, `${units.length} inventories with min_unit or step_size above 1, e.g. ${units.slice(0, 3).join('; ')}: not modelled (expected 1, as nova reports them; the scheduler model may place a flavor placement would refuse there)`);
  if (baremetal.length > 0) warn('baremetal', undefined, undefined, `${baremetal.length} ironic/baremetal node(s) skipped with their instances, e.g. ${baremetal.slice(0, 3).join(', ')} (expected virtual compute nodes: baremetal nodes are not evacuated by nova)`);
  if (hosts.length === 0) refuse(`no compute host with MEMORY_MB and VCPU inventory in the bundle (expected resource provider list and per-provider inventory list outputs, or a hypervisor list --long with memory figures)`);

  // ---- flavors ----------------------------------------------------------------------------------
  const flavorById = new Map<string, ImportedFlavor>(), flavorByName = new Map<string, ImportedFlavor>();
  const flavors: ImportedFlavor[] = [];
  for (const f of of('flavors')) {
    f.rows.forEach((r, k) => {
      const name = str(r.Name), ram = num(r.RAM), vcpus = num(r.VCPUs);
      if (name === undefined || ram === undefined || vcpus === undefined) { warn('bundle', f, [k], 'a flavor without Name, RAM or VCPUs (expected `flavor list --long` rows)', true); return; }
      const fl: ImportedFlavor = { name, ramMb: ram, vcpus, diskGb: num(r.Disk) ?? 0, instances: 0 };
      const props = r.Properties;
      const text = typeof props === 'string' ? props : JSON.stringify(props ?? {});
      if (/resources:CUSTOM_/.test(text) || /CUSTOM_BAREMETAL/.test(text)) return;
      if (/hw:cpu_policy['"]?\s*[:=]\s*['"]?dedicated/.test(text)) warn('flavor-specs', f, [k, 'Properties'], `flavor ${name} asks dedicated CPUs (hw:cpu_policy=dedicated, PCPU inventory): modelled as shared VCPU (expected shared-CPU flavors)`);
      if (!flavorByName.has(name)) { flavors.push(fl); flavorByName.set(name, fl); }
      const id = str(r.ID);
      if (id !== undefined) flavorById.set(id, flavorByName.get(name)!);
    });
  }

  // ---- server groups ----------------------------------------------------------------------------
  const groupOf = new Map<string, string>();
  const groups: ImportedGroup[] = [];
  const groupNames = new Map<string, number>();
  const groupRows: { f: BundleFile; k: number; r: Row; name: string }[] = [];
  for (const f of of('server_groups')) f.rows.forEach((r, k) => { const name = str(r.Name) ?? str(r.ID) ?? `group-${k}`; groupRows.push({ f, k, r, name }); groupNames.set(name, (groupNames.get(name) ?? 0) + 1); });
  for (const { f, k, r, name } of groupRows) {
    // Names are unique per project at best: a repeated name gets its id's first 8 characters.
    const key = (groupNames.get(name) ?? 0) > 1 ? `${name}-${(str(r.ID) ?? String(k)).slice(0, 8)}` : name;
    // Policy (microversion 2.64+) is a string; Policies (before) a list of one.
    const raw = r.Policy ?? (Array.isArray(r.Policies) ? r.Policies[0] : r.Policies);
    const policy = str(raw);
    if (policy !== 'anti-affinity' && policy !== 'affinity' && policy !== 'soft-anti-affinity' && policy !== 'soft-affinity') {
      warn('group-policy', f, [k, 'Policy' in r ? 'Policy' : 'Policies'], `server group ${JSON.stringify(name)} has policy ${JSON.stringify(raw)}: its members are imported ungrouped (expected anti-affinity, affinity, soft-anti-affinity or soft-affinity)`);
      continue;
    }
    const members = Array.isArray(r.Members) ? r.Members.map(String) : typeof r.Members === 'string' ? r.Members.split(/[,\s]+/).filter((x) => x !== '') : [];
    for (const m of members) groupOf.set(m, key);
    groups.push({ name: key, policy });
  }

  // ---- servers: host, flavor, status ------------------------------------------------------------
  const serviceNodes = new Map<string, Node[]>(), shortNodes = new Map<string, Node[]>();
  for (const n of nodes.values()) {
    if (n.serviceHost !== undefined) serviceNodes.set(n.serviceHost, [...(serviceNodes.get(n.serviceHost) ?? []), n]);
    const s = shortName(n.name);
    shortNodes.set(s, [...(shortNodes.get(s) ?? []), n]);
  }
  const resolveHost = (h: string): Node | Node[] | undefined => {
    // python-openstackclient ≥ 6.1.0 prints the hypervisor hostname as Host (OS-EXT-SRV-ATTR:
    // hypervisor_hostname); before, the compute service host (OS-EXT-SRV-ATTR:host).
    const n = byName.get(h);
    if (n !== undefined) return n;
    const s = serviceNodes.get(h);
    if (s !== undefined) return s.length === 1 ? s[0] : s;
    const c = shortNodes.get(shortName(h));
    return c !== undefined && c.length === 1 ? c[0] : c;
  };
  const lines = new Map<string, ImportedLine>();
  const perHost = new Map<ImportedHost, { ram: number; cpu: number; maxRam: number }>();
  let read = 0, kept = 0;
  const embedded = new Map<string, ImportedFlavor>();
  const usedGroups = new Set<string>();
  for (const f of of('servers')) {
    f.rows.forEach((r, k) => {
      read++;
      const name = str(r.Name) ?? str(r.ID) ?? `#${k}`;
      const status = str(r.Status)?.toUpperCase() ?? 'UNKNOWN';
      if (status === 'ERROR') { warn('error', f, [k, 'Status'], `server ${JSON.stringify(name)} is in ERROR: skipped (expected a server that runs; an ERROR server may still hold an allocation: see the usage check)`); return; }
      if (status.startsWith('SHELVED')) { warn('shelved', f, [k, 'Status'], `server ${JSON.stringify(name)} is ${status}: skipped (expected a server that runs; unshelving needs room the import does not reserve)`); return; }
      if (!KEPT.has(status) && !IN_FLIGHT.has(status)) { warn('status', f, [k, 'Status'], `server ${JSON.stringify(name)} has status ${status}: skipped (expected ACTIVE, SHUTOFF, PAUSED, SUSPENDED or another status of a server on a host)`); return; }
      const hostName = str(r.Host);
      if (hostName === undefined) { warn('unknown-host', f, [k, 'Host'], `server ${JSON.stringify(name)} (${status}) has no host: skipped (expected the Host column of server list --long, run with admin credentials)`); return; }
      const target = resolveHost(hostName);
      if (target === undefined) { warn('unknown-host', f, [k, 'Host'], `server ${JSON.stringify(name)} is on ${JSON.stringify(hostName)}, which matches no hypervisor hostname, compute service host or short name: skipped (expected a host of the bundle)`); return; }
      if (Array.isArray(target)) { warn('unknown-host', f, [k, 'Host'], `server ${JSON.stringify(name)} is on ${JSON.stringify(hostName)}, which names ${target.length} compute nodes (${target.slice(0, 3).map((x) => x.name).join(', ')}): skipped (expected one node per host)`); return; }
      if (target.baremetal) return;
      const host = target.host;
      if (host === undefined) { warn('unknown-host', f, [k, 'Host'], `server ${JSON.stringify(name)} is on ${JSON.stringify(hostName)}, a node that was not imported: skipped`); return; }
      // The flavor: embedded (2.47+: its original name, or the whole flavor from server show), or by id before 2.47.
      let fl: ImportedFlavor | undefined;
      const fv = r.Flavor;
      if (fv !== null && typeof fv === 'object') {
        const o = fv as Row;
        const fname = str(o.original_name) ?? str(o.name) ?? 'embedded';
        const ram = num(o.ram), vcpus = num(o.vcpus);
        if (ram !== undefined && vcpus !== undefined) {
          const known = flavorByName.get(fname);
          if (known !== undefined && known.ramMb === ram && known.vcpus === vcpus) fl = known;
          else {
            const key = `${fname}/${ram}/${vcpus}`;
            fl = embedded.get(key);
            if (fl === undefined) {
              const taken = flavorByName.has(fname);
              fl = { name: taken ? `${fname}-${ram}mb-${vcpus}vcpu` : fname, ramMb: ram, vcpus, diskGb: num(o.disk) ?? 0, instances: 0 };
              embedded.set(key, fl); flavors.push(fl); flavorByName.set(fl.name, fl);
            }
          }
        }
      } else if (typeof fv === 'string' && fv !== '') fl = flavorByName.get(fv) ?? flavorById.get(fv);
      else {
        const id = str(r['Flavor ID']), fname = str(r['Flavor Name']);
        fl = (id !== undefined ? flavorById.get(id) : undefined) ?? (fname !== undefined ? flavorByName.get(fname) : undefined);
      }
      if (fl === undefined) {
        const col = 'Flavor' in r ? 'Flavor' : 'Flavor ID' in r ? 'Flavor ID' : 'Flavor Name';
        warn('flavor', f, [k, col], `server ${JSON.stringify(name)} has flavor ${JSON.stringify(r[col] ?? null)}, which is not in the flavor list: skipped (expected \`flavor list --all --long\` to list it; a deleted flavor's size is only in server show)`);
        return;
      }
      if (IN_FLIGHT.has(status)) warn('in-flight', f, [k, 'Status'], `server ${JSON.stringify(name)} is ${status}: imported on ${host.name}, where it is now (expected a settled server; placement may hold a second allocation for it)`);
      const id = str(r.ID);
      const group = id !== undefined ? groupOf.get(id) : undefined;
      if (group !== undefined) usedGroups.add(group);
      const pinned = str(r['Pinned Availability Zone']);
      const key = `${host.name}\u0000${fl.name}\u0000${group ?? ''}\u0000${pinned ?? ''}`;
      const line = lines.get(key);
      if (line !== undefined) line.count++;
      else lines.set(key, { host: host.name, flavor: fl.name, group, availabilityZone: pinned, count: 1 });
      fl.instances++;
      kept++;
      let u = perHost.get(host);
      if (u === undefined) perHost.set(host, u = { ram: 0, cpu: 0, maxRam: 0 });
      u.ram += fl.ramMb; u.cpu += fl.vcpus; u.maxRam = Math.max(u.maxRam, fl.ramMb);
    });
  }

  // ---- usage: placement's figures against the imported instances; hosts over capacity ----------
  const mismatch: string[] = [];
  for (const n of nodes.values()) {
    const h = n.host;
    if (h === undefined) continue;
    const u = perHost.get(h) ?? { ram: 0, cpu: 0, maxRam: 0 };
    const pm = n.usage.get('MEMORY_MB');
    if (pm !== undefined && pm !== u.ram) mismatch.push(`${h.name} (placement ${pm} MB, instances ${u.ram} MB)`);
    const cap = (h.totalMb - h.reservedMb) * h.ramRatio;
    if (u.ram > cap) {
      const ratio = Math.ceil((u.ram / (h.totalMb - h.reservedMb)) * 1e4) / 1e4;
      warn('over-capacity', invFiles.get(h.uuid ?? ''), invFiles.has(h.uuid ?? '') ? [invFiles.get(h.uuid!)!.rows.findIndex((r) => r.resource_class === 'MEMORY_MB'), 'allocation_ratio'] : undefined,
        `host ${JSON.stringify(h.name)} holds ${u.ram} MB of instances, above its placement capacity (${h.totalMb} − ${h.reservedMb}) × ${h.ramRatio} = ${cap} MB: its ram_allocation_ratio is raised to ${ratio} so the real layout fits (expected usage within capacity; overcommitted by hand?)`);
      h.ramRatio = ratio;
    }
    const ccap = (h.vcpus - h.reservedCpus) * h.cpuRatio;
    if (u.cpu > ccap) {
      const ratio = Math.ceil((u.cpu / (h.vcpus - h.reservedCpus)) * 1e4) / 1e4;
      warn('over-capacity', undefined, undefined, `host ${JSON.stringify(h.name)} holds ${u.cpu} VCPU of instances, above its placement capacity (${h.vcpus} − ${h.reservedCpus}) × ${h.cpuRatio} = ${ccap}: its cpu_allocation_ratio is raised to ${ratio} (expected usage within capacity)`);
      h.cpuRatio = ratio;
    }
    if (u.maxRam > h.maxUnitMb) {
      warn('over-capacity', undefined, undefined, `host ${JSON.stringify(h.name)} holds an instance of ${u.maxRam} MB, above its MEMORY_MB max_unit ${h.maxUnitMb}: max_unit raised to ${u.maxRam} (expected instances within max_unit)`);
      h.maxUnitMb = u.maxRam;
    }
  }
  if (mismatch.length > 0) {
    warn('usage-mismatch', undefined, undefined, `${mismatch.length} host(s) where placement's MEMORY_MB usage differs from the imported instances, e.g. ${mismatch.slice(0, 3).join('; ')} (expected equal: skipped servers, migrations in progress or orphaned allocations make the difference; the scenario holds the imported instances only)`);
  }

  // ---- racks ----------------------------------------------------------------------------------
  for (const m of assignRacks(hosts, aggregates, opts.racks)) warn('racks', undefined, undefined, m);

  const zones = new Set(hosts.map((h) => h.availabilityZone).filter((z) => z !== undefined));
  const instances = [...lines.values()];
  for (const l of instances) {
    if (l.availabilityZone !== undefined && !zones.has(l.availabilityZone)) {
      warn('zone', undefined, undefined, `instances pinned to availability zone ${JSON.stringify(l.availabilityZone)}, which no imported host is in: imported without the zone`);
      l.availabilityZone = undefined;
    }
  }
  const order = new Map(hosts.map((h, k) => [h.name, k]));
  instances.sort((a, b) => order.get(a.host)! - order.get(b.host)! || cmp(a.flavor, b.flavor) || cmp(a.group ?? '', b.group ?? '') || cmp(a.availabilityZone ?? '', b.availabilityZone ?? ''));
  return {
    hosts, flavors, groups: groups.filter((g) => usedGroups.has(g.name)), instances,
    serversRead: read, serversKept: kept, issues,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

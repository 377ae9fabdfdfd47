/** A small cloud where failures strand instances unless the hook has RAM to release. */
export const STOCHASTIC = `
name: tiny
seed: 11
horizon: 365d
replications: 10
cloud:
  nova: {release: antelope, reserved_host_memory_mb: 512}
  racks: [{name: r1, hosts: 4, ram: 64GiB, vcpus: 32}, {name: r2, hosts: 4, ram: 64GiB, vcpus: 32}]
  flavors:
    - {name: m, ram: 4GiB, vcpus: 2, share: 2}
    - {name: l, ram: 8GiB, vcpus: 4, share: 1}
  fill: 0.95
studies:
  evacuation:
    host_failures: {afr: 40%}
    repair: {lognormal: {median: 8h, sigma: 1.0}}
    rack_failures: {rate: 0.2/y, duration: {lognormal: {median: 2h, sigma: 0.8}}}
    designs:
      none: {}
      han-hook:
        cloud:
          on_failure: {release_reservation_to: 512MiB, after: 5m, evacuation: wait}
targets:
  evacuation:
    host: {metric: any_stranded, max: 25%, confidence: 90%, failures: host}
sizing:
  evacuation:
    replications: {initial: 8, max: 64}
    knobs:
      han-hook: {parameter: cloud.nova.reserved_host_memory_mb, range: [512, 16896], step: 2048, unit: MiB}
`;


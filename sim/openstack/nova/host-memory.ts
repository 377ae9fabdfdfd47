import { z } from 'zod';
import { bytes, fraction } from '../../units/zod-units.js';

/**
 * Memory a compute host needs besides its guests' RAM: the host OS (kernel, nova-compute,
 * libvirtd, agents) and each QEMU process's own overhead. nova does not count either: it leaves
 * both to `reserved_host_memory_mb` (docs/nova-releases.md, "Host overhead"), so a cloud whose
 * placement capacity reaches the host's RAM (ratio > 1, or Han's hook releasing the reservation
 * to 512 MB) commits more memory than the host has.
 *
 * Per-guest overhead ≈ fixed + per_vcpu × vCPUs + ram_fraction × guest RAM: the shape and the
 * numbers of OpenShift Virtualization's documented estimate for QEMU/KVM guests (218 MiB + 8 MiB
 * per vCPU + 0.002 × RAM, + 16 MiB per graphics device; nova gives every libvirt guest one).
 */
export const hostOverheadSchema = z.object({
  host_os: bytes().prefault('4GiB')
    .meta({ description: 'memory of the host OS and services on each compute (assumption: 4 GiB; nova documents reserved_host_memory_mb, default 512 MB, as the place for it)' }),
  guest_fixed: bytes().prefault('234MiB')
    .meta({ description: 'QEMU overhead per guest, fixed part (218 MiB + 16 MiB for the video device; OpenShift Virtualization estimate)' }),
  guest_per_vcpu: bytes().prefault('8MiB').meta({ description: 'QEMU overhead per guest vCPU' }),
  guest_ram_fraction: fraction().default(0.002).meta({ description: 'QEMU overhead per byte of guest RAM (page tables)' }),
  floor: bytes().optional()
    .meta({ description: 'memory a host must keep for its OS and QEMU; the study warns when the failure hook can leave less (default: host_os + the overhead of the guests a full host holds)' }),
}).strict();

const MB = 2 ** 20;

export type HostOverheadConfig = z.output<typeof hostOverheadSchema>;

/** The overhead in MB, as linear coefficients over a host's guest count, vCPUs and RAM. */
export interface HostOverhead { hostOsMb: number; fixedMb: number; perVcpuMb: number; ramFraction: number }

export function hostOverhead(c: HostOverheadConfig): HostOverhead {
  return { hostOsMb: c.host_os / MB, fixedMb: c.guest_fixed / MB, perVcpuMb: c.guest_per_vcpu / MB, ramFraction: c.guest_ram_fraction };
}

/** Memory a host needs for its OS and `guests` QEMU processes holding `vcpus` and `ramMb` in all. */
export function overheadMb(o: HostOverhead, guests: number, vcpus: number, ramMb: number): number {
  return o.hostOsMb + o.fixedMb * guests + o.perVcpuMb * vcpus + o.ramFraction * ramMb;
}

/** (guest RAM + host OS + QEMU) / physical RAM of one host. */
export function memoryCommit(o: HostOverhead, totalMb: number, guests: number, vcpus: number, ramMb: number): number {
  return (ramMb + overheadMb(o, guests, vcpus, ramMb)) / totalMb;
}

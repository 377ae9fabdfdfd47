import { rawPerStoredByte, type CephCluster } from './ceph-schema.js';

/**
 * The pool's fill seen per OSD. Ceph's nearfull/backfillfull/full ratios are checked against each
 * OSD, not the cluster average (docs/openstack-facts.md §10): one OSD over the ratio raises the flag, and at full
 * the cluster stops client writes. With `osd_imbalance` = fullest ÷ mean, the fullest OSD trips
 * when the mean fill reaches ratio ÷ imbalance.
 */
export class CephPool {
  readonly rawCapacity: number;
  readonly rawPerByte: number;
  readonly imbalance: number;
  readonly nearfull: number;
  readonly backfillfull: number;
  readonly full: number;

  constructor(ceph: CephCluster) {
    this.rawCapacity = ceph.osds * ceph.osd_size;
    this.rawPerByte = rawPerStoredByte(ceph);
    this.imbalance = ceph.osd_imbalance;
    this.nearfull = ceph.nearfull_ratio;
    this.backfillfull = ceph.backfillfull_ratio;
    this.full = ceph.full_ratio;
  }

  /** Mean OSD fill (raw used ÷ raw capacity) when the pools store `storedBytes` (before redundancy). */
  meanFill(storedBytes: number): number {
    return (storedBytes * this.rawPerByte) / this.rawCapacity;
  }

  /** Fill of the fullest OSD. */
  fullestFill(storedBytes: number): number {
    return this.meanFill(storedBytes) * this.imbalance;
  }
}
